# Inverse heat problem from a CSV file: the diffusivity k is declared with a starting guess
# and its true value (used only to report the relative error of the inferred k).
domain x in [0, 1], t in [0, 1]
unknown u(x, t)
param k ~ 0.3
truth k = 0.5
equation u_t = k*u_xx
initial t = 0: u = sin(pi*x)
boundary all: u = 0
observe u from "data/heat.csv"
exact u = exp(-0.5*pi^2*t)*sin(pi*x)
