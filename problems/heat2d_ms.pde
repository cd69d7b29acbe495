# PINNacle's Heat2d-MS (multi-scale): fast in x, slow in y,
# u_t = u_xx/(500 pi)^2 + u_yy/pi^2 on [0, 1]^2 x [0, 5], u(x, y, 0) = sin(20 pi x) sin(pi y), u = 0 on the sides.
domain x in [0, 1], y in [0, 1], t in [0, 5]
unknown u(x, y, t)
equation u_t = u_xx/(500*pi)^2 + u_yy/pi^2
initial t = 0: u = sin(20*pi*x)*sin(pi*y)
boundary all: u = 0
exact u = sin(20*pi*x)*sin(pi*y)*exp(-(626/625)*t)
