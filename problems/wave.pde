# Wave equation u_tt = c^2*u_xx: a standing wave, released at rest
# (two initial conditions: the displacement and the velocity u_t).
domain x in [0, 1], t in [0, 1]
unknown u(x, t)
const c = 2
equation u_tt = c^2*u_xx
initial t = 0: u = sin(pi*x)
initial t = 0: u_t = 0
boundary x = 0: u = 0
boundary x = 1: u = 0
exact u = sin(pi*x)*cos(c*pi*t)
