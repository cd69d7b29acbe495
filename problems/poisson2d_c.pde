# PINNacle's Poisson2d-C: Laplace's equation on a square with four holes,
# u = 1 on the square's sides, u = 0 on the holes; scored against PINNacle's COMSOL reference
domain x, y in rectangle((-0.5, -0.5), (0.5, 0.5)) - (disk((0.3, 0.3), 0.1) | disk((-0.3, 0.3), 0.1) | disk((0.3, -0.3), 0.1) | disk((-0.3, -0.3), 0.1)) as holes
unknown u(x, y)
equation lap(u) = 0
boundary holes: u = 0
boundary rest: u = 1
reference u from "data/poisson2d_c_reference.csv"
