# The viscous Burgers benchmark at ten times its viscosity (nu = 0.1/pi): the same front, about
# ten times wider. No closed form in the file; pdec.reference.burgers(x, t, nu=0.1/pi) scores it.
domain x in [-1, 1], t in [0, 1]
unknown u(x, t)
const nu = 0.1/pi
equation u_t + u*u_x = nu*u_xx
initial t = 0: u = -sin(pi*x)
boundary all: u = 0
