# 1D Poisson with a Dirichlet condition on the left and a Neumann condition (u_x) on the right.
domain x in [0, 1]
unknown u(x)
equation u_xx = -4*cos(2*x) + 2
boundary x = 0: u = 1
boundary x = 1: u_x = 2 - 2*sin(2)
exact u = cos(2*x) + x^2
