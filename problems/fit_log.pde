# Regression (no equation): the authors' 1D example log(x + 2)*cos(2*x + x^3).
domain x in [-1, 1]
fit u(x) = log(x + 2)*cos(2*x + x^3)
