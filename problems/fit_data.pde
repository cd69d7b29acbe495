# Regression from data: fit u to the samples in a CSV file (columns x,u);
# `exact` is optional and only used to report the error of the fit.
domain x in [-1, 1]
fit u from "data/fit1d.csv"
exact u = x*exp(-x^2) + 0.5*cos(3*x)
