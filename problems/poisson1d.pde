# 1D Poisson: u'' = f on [-1, 1]
domain x in [-1, 1]
unknown u(x)
equation u_xx = -4*sin(2*x + 1) + 0.338*exp(1.3*x)
boundary x = -1: u = sin(-1) + 0.2*exp(-1.3)
boundary x = 1: u = sin(3) + 0.2*exp(1.3)
exact u = sin(2*x + 1) + 0.2*exp(1.3*x)
