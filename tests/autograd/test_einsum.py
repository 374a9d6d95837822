"""einsum and contractions beyond the spec table: errors, second order, and torch."""
import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad.autograd.errors import ShapeError


@pytest.mark.parametrize("call, error, words", [
    (lambda: ag.einsum("ij,jk", ag.ones((2, 3))), ValueError, "2 operands but 1"),
    (lambda: ag.einsum("ij->ij->", ag.ones((2, 3))), ValueError, "cannot read"),
    (lambda: ag.einsum("i1", ag.ones((2, 3))), ValueError, "cannot read"),
    (lambda: ag.einsum("ijk", ag.ones((2, 3))), ShapeError, "(2, 3)"),
    (lambda: ag.einsum("ij->ii", ag.ones((2, 2))), ValueError, "repeats"),
    (lambda: ag.einsum("ij->k", ag.ones((2, 2))), ValueError, "no operand"),
    (lambda: ag.einsum("...i->i", ag.ones((2, 3))), ValueError, "'...'"),
    (lambda: ag.einsum("ij,jk->ik", ag.ones((2, 3)), ag.ones((4, 2))), ValueError, "einsum"),
    (lambda: ag.einsum(3, ag.ones(2)), TypeError, "string"),
    (lambda: ag.tensordot(ag.ones(2), ag.ones(2), 2), ValueError, "axes=2"),
    (lambda: ag.tensordot(ag.ones(2), ag.ones(2), ([0], [])), ValueError, "pair"),
    (lambda: ag.dot(ag.ones((2, 3, 4)), ag.ones((3, 2))), ShapeError, "not aligned"),
])
def test_bad_arguments_raise_errors_naming_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert str(info.value).split(":")[0] in ("einsum", "tensordot", "dot")
    assert words in str(info.value)


def test_einsum_second_derivative_of_a_quadratic_form():
    a = ag.tensor(np.array([[2.0, 1.0], [0.5, 3.0]]))
    x = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)
    (g,) = ag.grad(ag.einsum("i,ij,j->", x, a, x), x, create_graph=True)
    np.testing.assert_allclose(g.data, (a.data + a.data.T) @ x.data)
    rows = [ag.grad(g[i], x, retain_graph=True)[0].data for i in range(2)]
    np.testing.assert_allclose(np.stack(rows), a.data + a.data.T)


@pytest.mark.parametrize("subscripts, shapes", [
    ("bii->bi", [(2, 3, 3)]), ("ii->", [(3, 3)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("...ij,...j->...i", [(2, 1, 3, 4), (5, 4)]), ("ij,kj->ikj", [(3, 1), (2, 4)]),
])
def test_einsum_matches_torch(subscripts, shapes):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=s) for s in shapes]
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = ag.einsum(subscripts, *ours), torch.einsum(subscripts, *theirs)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    weights = rng.normal(size=out.shape)
    (out * ag.tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-12, atol=1e-12)
