# PINNacle's HInv without noise: the heat equation with an unknown conductivity field a(x, y),
# u_t = div(a grad u) + f on [-1, 1]^2 x [0, 1], a = 2 on the sides, 2500 observations of u.
# Exact u = exp(-t) sin(pi x) sin(pi y), a = 2 + sin(pi x) sin(pi y); f follows from them.
domain x in [-1, 1], y in [-1, 1], t in [0, 1]
unknown u(x, y, t), a(x, y)
equation u_t = a*lap(u) + a_x*u_x + a_y*u_y + exp(-t)*(2*pi^2*(2 + sin(pi*x)*sin(pi*y))*sin(pi*x)*sin(pi*y) - sin(pi*x)*sin(pi*y) - pi^2*(cos(pi*x)^2*sin(pi*y)^2 + sin(pi*x)^2*cos(pi*y)^2))
boundary x = -1: a = 2
boundary x = 1: a = 2
boundary y = -1: a = 2
boundary y = 1: a = 2
observe u at 2500 points
exact u = exp(-t)*sin(pi*x)*sin(pi*y)
exact a = 2 + sin(pi*x)*sin(pi*y)
