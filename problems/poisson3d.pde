# 3D Poisson on the unit cube, u = 0 on all six faces.
domain x in [0, 1], y in [0, 1], z in [0, 1]
unknown u(x, y, z)
equation lap(u) = -3*pi^2*sin(pi*x)*sin(pi*y)*sin(pi*z)
boundary all: u = 0
exact u = sin(pi*x)*sin(pi*y)*sin(pi*z)
