# 2D Poisson with Neumann conditions on all four sides; the solution is fixed up to a
# constant, so a point condition at the corner (x, y) = (0, 0) pins it down.
domain x in [0, 1], y in [0, 1]
unknown u(x, y)
equation u_xx + u_yy = -2*pi^2*cos(pi*x)*cos(pi*y)
boundary x = 0: u_x = 0
boundary x = 1: u_x = 0
boundary y = 0: u_y = 0
boundary y = 1: u_y = 0
point x = 0, y = 0: u = 1
exact u = cos(pi*x)*cos(pi*y)
