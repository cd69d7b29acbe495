# The L-shaped domain: a harmonic function with the singular corner r^(2/3) at the origin
domain x, y in polygon((0, -1), (1, -1), (1, 1), (-1, 1), (-1, 0), (0, 0))
unknown u(x, y)
equation lap(u) = 0
boundary all: u = (x^2 + y^2)^(1/3)*sin(2*(atan2(y, x) + pi/2)/3)
exact u = (x^2 + y^2)^(1/3)*sin(2*(atan2(y, x) + pi/2)/3)
