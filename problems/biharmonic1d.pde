# A system of two fields: the beam equation u_xxxx = f split into u_xx = v, v_xx = f,
# with u = 0 and v = u_xx = 0 at both ends (simply supported).
domain x in [0, 1]
unknown u(x), v(x)
equation u_xx = v
equation v_xx = pi^4*sin(pi*x)
boundary all: u = 0
boundary all: v = 0
exact u = sin(pi*x)
exact v = -pi^2*sin(pi*x)
