# Poisson on the unit disk: lap(u) = 1, the boundary values of the exact solution
domain x, y in disk((0, 0), 1)
unknown u(x, y)
equation lap(u) = 1
boundary all: u = exp(x)*cos(y) + (x^2 + y^2)/4
exact u = exp(x)*cos(y) + (x^2 + y^2)/4
