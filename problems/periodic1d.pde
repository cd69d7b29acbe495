# Periodic Poisson: u_xx = -sin(x) on [0, 2*pi] with u and u_x matching at both ends.
# Periodicity fixes u only up to a constant, so one point condition pins it down.
domain x in [0, 2*pi]
unknown u(x)
equation u_xx = -sin(x)
periodic x
point x = 0: u = 0
exact u = sin(x)
