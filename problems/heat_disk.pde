# Heat on the unit disk: u_t = lap(u), the exact values on the circle
domain x, y in disk((0, 0), 1), t in [0, 1]
unknown u(x, y, t)
equation u_t = lap(u)
initial t = 0: u = sin(x)*sin(y)
boundary all: u = exp(-2*t)*sin(x)*sin(y)
exact u = exp(-2*t)*sin(x)*sin(y)
