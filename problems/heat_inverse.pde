# heat equation; the diffusivity k is not declared, so it is an unknown to infer
domain x in [0, 1], t in [0, 1]
unknown u(x, t)
equation u_t = k*u_xx
initial t = 0: u = sin(pi*x)
boundary x = 0: u = 0
boundary x = 1: u = 0
exact u = exp(-0.5*pi^2*t)*sin(pi*x)
observe u at 200 points
