# Time-dependent viscous Burgers equation (the classic PINN benchmark; no closed-form exact
# solution, so none is given). nu is a constant defined from an expression.
domain x in [-1, 1], t in [0, 1]
unknown u(x, t)
const nu = 0.01/pi
equation u_t + u*u_x = nu*u_xx
initial t = 0: u = -sin(pi*x)
boundary all: u = 0
