# PINNacle's Wave1d-C: a string fixed at both ends, two standing waves at once (the faster one
# four times the frequency), released at rest.
domain x in [0, 1], t in [0, 1]
unknown u(x, t)
equation u_tt = 4*u_xx
initial t = 0: u = sin(pi*x) + 0.5*sin(4*pi*x)
initial t = 0: u_t = 0
boundary x = 0: u = 0
boundary x = 1: u = 0
exact u = sin(pi*x)*cos(2*pi*t) + 0.5*sin(4*pi*x)*cos(8*pi*t)
