# Inverse problem for a system: the oscillator u_t = v, v_t = -w^2*u with unknown frequency w,
# inferred from measurements of both fields in a CSV file (columns t,u,v).
domain t in [0, 3]
unknown u(t), v(t)
param w ~ 1
truth w = 2
equation u_t = v
equation v_t = -w^2*u
initial t = 0: u = 1
initial t = 0: v = 0
observe u, v from "data/oscillator.csv"
exact u = cos(2*t)
exact v = -2*sin(2*t)
