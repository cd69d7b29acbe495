# Potential flow past a cylinder of radius R: no flow through it (u_n = 0),
# the exact potential on the rectangle's sides
const R = 0.5
domain x, y in rectangle((-2, -1), (2, 1)) - disk((0, 0), R) as cylinder
unknown u(x, y)
equation lap(u) = 0
boundary cylinder: u_n = 0
boundary rest: u = x*(1 + R^2/(x^2 + y^2))
exact u = x*(1 + R^2/(x^2 + y^2))
