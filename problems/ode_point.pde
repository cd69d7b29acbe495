# first-order ODE with a condition inside the domain
domain x in [-1, 1]
unknown u(x)
equation u_x = u + x
point x = 0: u = 0
exact u = exp(x) - x - 1
