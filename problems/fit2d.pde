# Regression in 2D: fit a closed form on the square.
domain x in [-1, 1], y in [-1, 1]
fit u(x, y) = (sin(2*x + 1) - 0.5*x)*(1 - y^2)
