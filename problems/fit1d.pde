# regression: fit a function (no equation)
domain x in [-1, 1]
fit u(x) = sin(2*x + 1) + 0.2*exp(1.3*x)
