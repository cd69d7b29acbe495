# Regression in 3D: fit a closed form on the cube.
domain x in [-1, 1], y in [-1, 1], z in [-1, 1]
fit u(x, y, z) = sin(x + 2*y)*cos(z) + 0.3*x*z
