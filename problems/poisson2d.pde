# 2D Poisson with a condition on the whole boundary
domain x in [-1, 1], y in [-1, 1]
unknown u(x, y)
equation lap(u) = -2*pi^2*sin(pi*x)*sin(pi*y)
boundary all: u = 0
exact u = sin(pi*x)*sin(pi*y)
