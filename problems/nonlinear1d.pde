# Nonlinear 1D boundary-value problem: u'' - u^3 = f (a cubic reaction term), Dirichlet.
# Its linearization v'' - 3u^2 v is well conditioned, unlike the steady Burgers front.
domain x in [-1, 1]
unknown u(x)
equation u_xx - u^3 = -4*sin(2*x + 1) + 0.338*exp(1.3*x) - (sin(2*x + 1) + 0.2*exp(1.3*x))^3
boundary x = -1: u = sin(-1) + 0.2*exp(-1.3)
boundary x = 1: u = sin(3) + 0.2*exp(1.3)
exact u = sin(2*x + 1) + 0.2*exp(1.3*x)
