# An unknown parameter inside a boundary condition: the outflow flux a at x = 1 is
# inferred from 50 noisy samples of the exact solution (starting guess 0.1, true value 0.5).
domain x in [0, 1]
unknown u(x)
param a ~ 0.1
truth a = 0.5
equation u_xx = -pi^2*sin(pi*x)
boundary x = 0: u = 0
boundary x = 1: u_x = a
observe u at 50 points noise 1e-3
exact u = sin(pi*x) + (pi + 0.5)*x
