# Two unknown parameters at once: u_x = a*u + b*x with a = 1 and b = 1 inferred from 40
# samples of the exact solution (starting guesses 0.5 and 2).
domain x in [-1, 1]
unknown u(x)
param a ~ 0.5
param b ~ 2
truth a = 1
truth b = 1
equation u_x = a*u + b*x
point x = 0: u = 0
observe u at 40 points
exact u = exp(x) - x - 1
