# Nonlinear 1D: steady viscous Burgers 0.1*u_xx - u*u_x = 0, a shock-like tanh layer at x = 0.
domain x in [-1, 1]
unknown u(x)
equation 0.1*u_xx - u*u_x = 0
boundary x = -1: u = tanh(5)
boundary x = 1: u = -tanh(5)
exact u = -tanh(5*x)
