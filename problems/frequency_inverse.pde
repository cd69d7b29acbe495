# An inverse problem from a poor guess: the coefficient a of u_xx + a*u = 0 is inferred from
# 100 samples of u = sin(3x) + cos(3x), starting from the guess 2 (the truth is 9). The start
# from the observations (a fit of u, then the a that best satisfies the equation on it) puts
# the solve next to the truth before the first stage.
domain x in [0, 2]
unknown u(x)
param a ~ 2
truth a = 9
equation u_xx + a*u = 0
boundary x = 0: u = 1
boundary x = 2: u = sin(6) + cos(6)
observe u at 100 points
exact u = sin(3*x) + cos(3*x)
