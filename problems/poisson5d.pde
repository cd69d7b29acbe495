# PINNacle's PNd: the Poisson equation in five coordinates on the unit box,
# -lap(u) = (pi^2/4) sum_i sin(pi x_i / 2), u = sum_i sin(pi x_i / 2) on the whole boundary.
domain x1 in [0, 1], x2 in [0, 1], x3 in [0, 1], x4 in [0, 1], x5 in [0, 1]
unknown u(x1, x2, x3, x4, x5)
equation -lap(u) = pi^2/4*(sin(pi*x1/2) + sin(pi*x2/2) + sin(pi*x3/2) + sin(pi*x4/2) + sin(pi*x5/2))
boundary all: u = sin(pi*x1/2) + sin(pi*x2/2) + sin(pi*x3/2) + sin(pi*x4/2) + sin(pi*x5/2)
exact u = sin(pi*x1/2) + sin(pi*x2/2) + sin(pi*x3/2) + sin(pi*x4/2) + sin(pi*x5/2)
