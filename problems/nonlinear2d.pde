# A nonlinear 2D boundary-value problem: lap(u) = u^3 + f on the square, Dirichlet data from
# the exact solution. Solved by Gauss-Newton on each least-squares stage.
domain x in [-1, 1], y in [-1, 1]
unknown u(x, y)
equation lap(u) - u^3 = (0.25 - pi^2)*exp(0.5*x)*sin(pi*y) - exp(1.5*x)*sin(pi*y)^3
boundary all: u = exp(0.5*x)*sin(pi*y)
exact u = exp(0.5*x)*sin(pi*y)
