# 1D boundary-value problem with a Robin condition u + u_x = g at x = 1,
# written with the diff(...) forms instead of subscripts.
domain x in [0, 1]
unknown u(x)
equation diff(u, x, 2) = 2*exp(x)*cos(x)
boundary x = 0: u = 0
boundary x = 1: u + diff(u, x) = exp(1)*(2*sin(1) + cos(1))
exact u = exp(x)*sin(x)
