# Heat equation, forward problem: u_t = alpha*u_xx on [0, 1] x [0, 1].
# `t` is the time coordinate: `initial t = 0:` sets the start, and `boundary all`
# covers only the space faces x = 0 and x = 1 (not t = 0 or t = 1).
domain x in [0, 1], t in [0, 1]
unknown u(x, t)
const alpha = 0.5
equation u_t = alpha*u_xx
initial t = 0: u = sin(pi*x)
boundary all: u = 0
exact u = exp(-0.5*pi^2*t)*sin(pi*x)
