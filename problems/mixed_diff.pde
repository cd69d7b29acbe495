# Mixed derivatives in every spelling: diff(u, x, 2) is u_xx, diff(u, x, y) is u_xy.
# The Dirichlet data on the boundary depend on the coordinates.
domain x in [0, 1], y in [0, 1]
unknown u(x, y)
equation diff(u, x, 2) + diff(u, y, 2) + diff(u, x, y) = cos(x)*exp(y)
boundary all: u = sin(x)*exp(y)
point x = 0.5, y = 0.5: u_xy = cos(0.5)*exp(0.5)
exact u = sin(x)*exp(y)
