# High-frequency 1D Poisson: a smooth part plus a small fast oscillation sin(20*x),
# the case where a multi-stage network helps most.
domain x in [-1, 1]
unknown u(x)
equation u_xx = -4*sin(2*x + 1) - 40*sin(20*x)
boundary x = -1: u = sin(-1) + 0.1*sin(-20)
boundary x = 1: u = sin(3) + 0.1*sin(20)
exact u = sin(2*x + 1) + 0.1*sin(20*x)
