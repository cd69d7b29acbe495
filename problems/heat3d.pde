# The heat equation in three space coordinates and time (four coordinates in all):
# u_t = lap(u)/pi^2 on [0, 1]^3 x [0, 1], u = 0 on the sides, exact exp(-3t) sin(pi x) sin(pi y) sin(pi z).
domain x in [0, 1], y in [0, 1], z in [0, 1], t in [0, 1]
unknown u(x, y, z, t)
equation u_t = lap(u)/pi^2
initial t = 0: u = sin(pi*x)*sin(pi*y)*sin(pi*z)
boundary all: u = 0
exact u = exp(-3*t)*sin(pi*x)*sin(pi*y)*sin(pi*z)
