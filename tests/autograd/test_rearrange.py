"""Rearranging ops beyond the spec table: errors, the repeat/tile choice, and torch."""
import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad.autograd.errors import ShapeError


@pytest.mark.parametrize("call, error, words", [
    (lambda: ag.meshgrid(ag.zeros(2), ag.zeros(3)), ValueError, "'ij' (PyTorch's default)"),
    (lambda: ag.zeros((2, 3)).repeat(2), ValueError, "repeat_interleave"),
    (lambda: ag.tile(ag.zeros(2), (-1,)), ValueError, "non-negative"),
    (lambda: ag.diagonal(ag.zeros((2, 2)), 0, 1, 1), ShapeError, "two different axes"),
    (lambda: ag.tril(ag.zeros(3)), ShapeError, "at least 2 axes"),
    (lambda: ag.diag(ag.zeros((2, 2, 2))), ShapeError, "1-D or 2-D"),
    (lambda: ag.roll(ag.zeros((2, 2)), (1, 2), 0), ValueError, "one per axis"),
    (lambda: ag.roll(ag.zeros(2), 1, axis=0, dims=0), TypeError, "pass one"),
    (lambda: ag.flip(ag.zeros(2), 0, dims=0), TypeError, "pass one"),
    (lambda: ag.flip(ag.zeros(2), 1), np.exceptions.AxisError, "out of bounds"),
    (lambda: ag.moveaxis(ag.zeros((2, 3)), (0, 1), 0), ValueError, "destinations"),
    (lambda: ag.repeat_interleave(ag.zeros(3), np.array([1, 2])), ValueError, "one per"),
    (lambda: ag.repeat_interleave(ag.zeros(3), 1.5), TypeError, "integers"),
    (lambda: ag.unflatten(ag.zeros((2, 6)), 1, (4, -1)), ValueError, "reshape"),
])
def test_bad_arguments_raise_errors_naming_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert str(info.value).split(":")[0] in (
        "meshgrid", "repeat", "tile", "diagonal", "tril", "diag", "roll", "flip", "moveaxis",
        "repeat_interleave", "reshape")
    assert words in str(info.value)


def test_repeat_is_pytorchs_tile_and_repeat_interleave_is_numpys_repeat():
    x = ag.tensor([1.0, 2.0])
    assert x.repeat(2).tolist() == [1.0, 2.0, 1.0, 2.0]
    assert x.repeat_interleave(2).tolist() == np.repeat([1.0, 2.0], 2).tolist()
    assert x.repeat(2, 1).shape == (2, 2)


def test_tile_gradient_sums_the_copies():
    x = ag.tensor(np.array([[1.0, 2.0]]), requires_grad=True)
    (ag.tile(x, (3, 2)) * ag.tensor(np.arange(12.0).reshape(3, 4))).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0 + 2 + 4 + 6 + 8 + 10, 1 + 3 + 5 + 7 + 9 + 11]])


@pytest.mark.parametrize("op", ["flip", "roll", "repeat", "repeat_interleave", "diagonal",
                                "diag", "tril", "triu", "trace", "movedim", "unflatten",
                                "meshgrid"])
def test_matches_torch_values_and_gradients(op):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    data = rng.normal(size=(3, 4))
    x, tx = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    calls = {
        "flip": (lambda t: t.flip(0, 1), lambda t: t.flip(0, 1)),
        "roll": (lambda t: t.roll((1, -5), (0, 1)), lambda t: t.roll((1, -5), (0, 1))),
        "repeat": (lambda t: t.repeat(2, 1, 3), lambda t: t.repeat(2, 1, 3)),
        "repeat_interleave": (lambda t: t.repeat_interleave(np.array([2, 0, 1]), dim=0),
                              lambda t: t.repeat_interleave(torch.tensor([2, 0, 1]), dim=0)),
        "diagonal": (lambda t: t.diagonal(1), lambda t: t.diagonal(1)),
        "diag": (lambda t: t.diag(-1).diag(1), lambda t: t.diag(-1).diag(1)),
        "tril": (lambda t: t.tril(-1), lambda t: t.tril(-1)),
        "triu": (lambda t: t.triu(1), lambda t: t.triu(1)),
        "trace": (lambda t: t.trace(), lambda t: t.trace()),
        "movedim": (lambda t: t.reshape(3, 2, 2).movedim(0, 2),
                    lambda t: t.reshape(3, 2, 2).movedim(0, 2)),
        "unflatten": (lambda t: t.unflatten(1, (2, -1)), lambda t: t.unflatten(1, (2, -1))),
        "meshgrid": (lambda t: ag.stack(ag.meshgrid(t[0], t[1, :3], indexing="ij")),
                     lambda t: torch.stack(torch.meshgrid(t[0], t[1, :3], indexing="ij"))),
    }
    ours, theirs = (f(v) for f, v in zip(calls[op], (x, tx)))
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
    weights = rng.normal(size=ours.shape)
    (ours * ag.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)
