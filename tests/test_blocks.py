"""Residual blocks: cached frozen-stage derivatives give the residual of the differentiated sum."""

import jax
import jax.numpy as jnp
import numpy as np

import pdec
from pdec.solver.blocks import frozen_field, problem_blocks
from pdec.language.lowering import lower


def mlp(key, d):
    k1, k2 = jax.random.split(key)
    w1, w2 = jax.random.normal(k1, (d, 12)), jax.random.normal(k2, (12,))
    return lambda p: jnp.tanh(p @ w1) @ w2


def test_cached_frozen_stages_give_the_same_residual_as_the_sum():
    problem = pdec.compile_text(
        "domain x in [0, 2*pi], t in [0, 1]\nunknown u(x, t), v(x, t)\nparam c ~ 0.7\n"
        "equation u_t + c*u*u_x = 0.1*u_xx + v\nequation v_tt = u*v_x\n"
        "initial t = 0: u + u_t = sin(x)\nboundary x = 0: v_x = c*u\nperiodic x\n"
        "exact u = sin(x - t)\nexact v = 0*x\ntruth c = 1\nobserve u at 20 points\n")
    lowered = lower(problem)
    blocks = problem_blocks(problem, lowered, jax.random.PRNGKey(0), 64, 16)
    assert [b.kind for b in blocks] == ["equation", "equation", "condition", "condition", "periodic", "data"]
    keys = jax.random.split(jax.random.PRNGKey(1), 6)
    stages = {f: [mlp(keys[i], 2), mlp(keys[i + 2], 2)] for i, f in enumerate(("u", "v"))}
    new = {"u": mlp(keys[4], 2), "v": mlp(keys[5], 2)}
    scales = {"u": (1.0, 1e-3), "v": (0.5, 2e-4)}
    eps = {"u": 1e-5, "v": 3e-6}
    frozen = {f: frozen_field(tuple(stages[f]), scales[f]) for f in stages}
    direct = {f: frozen_field(tuple(stages[f]) + (new[f],), scales[f] + (eps[f],)) for f in stages}
    params = {"c": jnp.float64(0.9)}
    for block in blocks:
        want = block.residual(direct, None, params)
        got = block.with_base(frozen).residual(new, eps, params)
        assert got.shape == want.shape and want.shape[0] >= 1
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12 * (1 + float(jnp.max(jnp.abs(want)))))
        cached = block.with_base(frozen)
        rows = jax.vmap(lambda row: cached.row(row, new, eps, params))(cached.rows()).reshape(-1)
        np.testing.assert_allclose(rows, got, rtol=0, atol=1e-13 * (1 + float(jnp.max(jnp.abs(want)))))


def test_gradient_block_is_the_derivative_of_the_residual():
    """gPINN rows d r / d x_j from next-order derivative values == autodiff of the residual."""
    from pdec.solver.blocks import gradient_block
    from pdec.solver.derivatives import evaluate_fields

    for path, u in (("problems/burgers_steady.pde", lambda q: jnp.sin(3 * q[0]) + q[0] ** 3),
                    ("problems/heat.pde", lambda q: jnp.sin(2 * q[0]) * jnp.exp(q[1]) + q[0] * q[1] ** 2)):
        problem = pdec.compile(path)
        r = lower(problem).equations[0]
        pts = jax.random.uniform(jax.random.PRNGKey(0), (6, problem.dimension), minval=0.05, maxval=0.9)
        got = gradient_block("g", r, pts).residual({"u": u}, None, {}).reshape(6, problem.dimension)

        def at(x):
            return r(x[None, :], evaluate_fields({"u": u}, x[None, :], r.needs), {})[0]

        np.testing.assert_allclose(np.asarray(got), np.asarray(jax.vmap(jax.grad(at))(pts)), atol=1e-12)


def test_resampled_blocks_keep_their_structure_and_move_their_points():
    """Adam's fresh points: same pytree (no recompilation), new sites, same observations."""
    from pdec.solver.blocks import resampled

    problem = pdec.compile("problems/heat_inverse.pde")
    lowered = lower(problem)
    first = problem_blocks(problem, lowered, jax.random.PRNGKey(0), 64, 16, gpinn=True)
    again = resampled(first, problem_blocks(problem, lowered, jax.random.PRNGKey(1), 64, 16, gpinn=True))
    assert jax.tree.structure(first) == jax.tree.structure(again)
    for a, b in zip(first, again):
        assert a.sites[0].shape == b.sites[0].shape
        same = bool(jnp.all(a.sites[0] == b.sites[0]))
        assert same == (a.kind == "data"), a.name
