# Inverse ODE: the growth rate a in u_x = a*u + x is inferred from 40 samples of the exact
# solution (starting guess 0.5, true value 1).
domain x in [-1, 1]
unknown u(x)
param a ~ 0.5
truth a = 1
equation u_x = a*u + x
point x = 0: u = 0
observe u at 40 points
exact u = exp(x) - x - 1
