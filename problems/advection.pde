# Linear advection u_t + c*u_x = 0 on a periodic interval: the initial wave travels
# to the right at speed c and re-enters at x = 0.
domain x in [0, 2*pi], t in [0, 1]
unknown u(x, t)
const c = 1
equation u_t + c*u_x = 0
initial t = 0: u = sin(x)
periodic x
exact u = sin(x - c*t)
