# Fast advection u_t + 30*u_x = 0 on a periodic interval: the failure mode of plain PINNs
# (Krishnapriyan et al. 2021), whose error grows with the speed. The wave sin(x) crosses the
# interval almost five times.
domain x in [0, 2*pi], t in [0, 1]
unknown u(x, t)
const beta = 30
equation u_t + beta*u_x = 0
initial t = 0: u = sin(x)
periodic x
exact u = sin(x - beta*t)
