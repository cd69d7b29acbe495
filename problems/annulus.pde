# An annulus 0.5 < r < 1: the value on the outer circle, the normal derivative on the inner one
domain x, y in disk((0, 0), 1) as outer - disk((0, 0), 0.5) as inner
unknown u(x, y)
equation lap(u) = (2*y + x*y)*exp(x)
boundary outer: u = x*y*exp(x)
# u_n is along the outward normal, here towards the centre: -(x u_x + y u_y)/r
boundary inner: u_n = -(x*(y + x*y)*exp(x) + y*x*exp(x))/0.5
exact u = x*y*exp(x)
