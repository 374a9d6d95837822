"""Indexing ops beyond the spec table: repeated writes, integer results, errors, and torch."""
import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad.autograd.errors import DtypeError, ShapeError


def _leaf(values):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def test_scatter_repeated_position_value_and_gradient_follow_one_write():
    x, src = _leaf(np.zeros(3)), _leaf([1.0, 2.0, 3.0])
    out = ag.scatter(x, 0, np.array([1, 1, 0]), src)
    kept = out.data[1]
    assert kept in (1.0, 2.0) and out.data[0] == 3.0 and out.data[2] == 0.0
    (out * ag.tensor([10.0, 20.0, 30.0], dtype=np.float64)).sum().backward()
    winner = 0 if kept == 1.0 else 1
    expected = np.zeros(3)
    expected[winner], expected[2] = 20.0, 10.0
    np.testing.assert_array_equal(src.grad.data, expected)
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 30.0])


def test_scatter_add_and_index_add_accumulate_repeats():
    x = ag.scatter_add(ag.zeros(3), 0, np.array([2, 2, 0]), ag.tensor([1.0, 2.0, 4.0]))
    assert x.tolist() == [4.0, 0.0, 3.0]
    y = ag.index_add(ag.zeros((3, 2)), 0, np.array([1, 1]), ag.ones((2, 2)), alpha=0.5)
    assert y.tolist() == [[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]]


def test_nonzero_one_hot_are_int64_outside_the_graph():
    x = _leaf([[0.0, 1.5], [-2.0, 0.0]])
    idx = x.nonzero()
    assert idx.dtype == np.int64 and idx.tolist() == [[0, 1], [1, 0]] and idx.grad_fn is None
    rows, cols = ag.nonzero(x, as_tuple=True)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]
    assert ag.nonzero(ag.tensor(0.0)).shape == (0, 0)
    hot = ag.one_hot(ag.tensor([[2], [0]]))
    assert hot.dtype == np.int64 and hot.shape == (2, 1, 3)
    assert hot.tolist() == [[[0, 0, 1]], [[1, 0, 0]]]
    assert ag.one_hot(np.array([1]), num_classes=4).tolist() == [[0, 1, 0, 0]]


def test_chunk_follows_pytorch_sizes():
    assert [c.shape for c in ag.chunk(ag.zeros((5, 2)), 4)] == [(2, 2), (2, 2), (1, 2)]
    assert [c.shape for c in ag.zeros((6,)).chunk(4)] == [(2,), (2,), (2,)]
    assert [c.shape for c in ag.chunk(ag.zeros((2, 3)), 5, dim=1)] == [(2, 1)] * 3


@pytest.mark.parametrize("call, error, words", [
    (lambda: ag.gather(ag.zeros((2, 3)), 1, np.array([[0.5]])), DtypeError, "integers"),
    (lambda: ag.gather(ag.zeros((2, 3)), 1, np.array([[3]])), IndexError, "out of range"),
    (lambda: ag.gather(ag.zeros((2, 3)), 1, np.array([0])), ShapeError, "dimensions"),
    (lambda: ag.gather(ag.zeros((2, 3)), 0, np.zeros((2, 4), int)), ShapeError, "longer"),
    (lambda: ag.gather(ag.zeros((2, 3)), 2, np.zeros((2, 3), int)), np.exceptions.AxisError,
     "dim 2"),
    (lambda: ag.scatter(ag.zeros(3), 0, np.array([0])), TypeError, "exactly one"),
    (lambda: ag.scatter(ag.zeros(3), 0, np.array([0, 1]), ag.zeros(1)), ShapeError, "src"),
    (lambda: ag.scatter(ag.zeros(3), 0, np.array([0]), 1.0, reduce="max"), ValueError, "reduce"),
    (lambda: ag.index_select(ag.zeros(3), 0, np.zeros((1, 1), int)), ShapeError, "1-D"),
    (lambda: ag.index_add(ag.zeros((3, 2)), 0, np.array([0]), ag.zeros((2, 2))), ShapeError,
     "(1, 2)"),
    (lambda: ag.masked_fill(ag.zeros(3), np.array([1, 0, 1]), 1.0), DtypeError, "boolean"),
    (lambda: ag.masked_fill(ag.zeros(3), np.ones((2, 3), bool), 1.0), ShapeError, "broadcast"),
    (lambda: ag.masked_fill(ag.zeros(3), np.ones(3, bool), ag.zeros(3)), ShapeError, "0-d"),
    (lambda: ag.masked_select(ag.zeros(3), np.ones(2, bool)), ShapeError, "broadcast"),
    (lambda: ag.one_hot(ag.tensor([0, 3]), 3), IndexError, "num_classes=3"),
    (lambda: ag.one_hot(ag.tensor([0.0]), 3), DtypeError, "integers"),
    (lambda: ag.narrow(ag.zeros(4), 0, 2, 3), IndexError, "length 3"),
    (lambda: ag.chunk(ag.zeros(4), 0), ValueError, "positive"),
    (lambda: ag.unbind(ag.zeros(())), ShapeError, "0-d"),
    (lambda: ag.take_along_axis(ag.zeros((2, 3)), np.zeros((3, 1), int), 1), ShapeError,
     "broadcast"),
    (lambda: ag.put_along_axis(ag.zeros((2, 3)), np.zeros((2, 1), int), ag.zeros(4), 1),
     ShapeError, "values"),
])
def test_bad_arguments_raise_errors_naming_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert message.split(":")[0] in ("gather", "scatter", "index_select", "index_add",
                                     "masked_fill", "masked_select", "one_hot", "narrow",
                                     "chunk", "unbind", "take_along_axis", "put_along_axis")
    assert words in message


def test_errors_leave_inputs_untouched():
    x = _leaf([1.0, 2.0])
    with pytest.raises(IndexError):
        ag.scatter(x, 0, np.array([5]), 1.0)
    assert x.tolist() == [1.0, 2.0] and x.grad is None


# ---------------------------------------------------------------- against PyTorch
def _torch_pair(values):
    torch = pytest.importorskip("torch")
    array = np.asarray(values, dtype=np.float64)
    return _leaf(array), torch.tensor(array, requires_grad=True)


def _same(ours, theirs, ours_leaves, their_leaves):
    weights = np.random.default_rng(0).normal(size=ours.shape)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
    (ours * ag.tensor(weights)).sum().backward()
    import torch
    (theirs * torch.tensor(weights)).sum().backward()
    for a, b in zip(ours_leaves, their_leaves):
        assert (a.grad is None) == (b.grad is None)
        if a.grad is not None:
            np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("op", ["gather", "scatter", "scatter_add", "index_select",
                                "index_add", "masked_fill", "masked_select", "narrow", "chunk",
                                "unbind"])
def test_matches_torch_values_and_gradients(op):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x, tx = _torch_pair(rng.normal(size=(3, 4)))
    s, ts = _torch_pair(rng.normal(size=(2, 4)))
    index = np.array([[0, 2, 1, 0], [2, 2, 0, 1]])
    mask = rng.random((3, 4)) > 0.5
    calls = {
        "gather": (lambda: x.gather(0, index), lambda: tx.gather(0, torch.tensor(index))),
        # distinct positions: with repeats torch sends the gradient to every write
        "scatter": (lambda: x.scatter(1, np.array([[3, 0, 2, 1], [1, 3, 0, 2]]), s),
                    lambda: tx.scatter(1, torch.tensor([[3, 0, 2, 1], [1, 3, 0, 2]]), ts)),
        "scatter_add": (lambda: x.scatter_add(0, index, s),
                        lambda: tx.scatter_add(0, torch.tensor(index), ts)),
        "index_select": (lambda: x.index_select(1, np.array([3, 0, 3])),
                         lambda: tx.index_select(1, torch.tensor([3, 0, 3]))),
        "index_add": (lambda: x.index_add(0, np.array([2, 2]), s, alpha=2.0),
                      lambda: tx.index_add(0, torch.tensor([2, 2]), ts, alpha=2.0)),
        "masked_fill": (lambda: x.masked_fill(mask, -1.0),
                        lambda: tx.masked_fill(torch.tensor(mask), -1.0)),
        "masked_select": (lambda: x.masked_select(mask[0]),
                          lambda: tx.masked_select(torch.tensor(mask[0]))),
        "narrow": (lambda: x.narrow(1, -3, 2), lambda: tx.narrow(1, -3, 2)),
        "chunk": (lambda: ag.concatenate([c * (i + 1) for i, c in enumerate(x.chunk(3, 1))], 1),
                  lambda: torch.cat([c * (i + 1) for i, c in enumerate(tx.chunk(3, 1))], 1)),
        "unbind": (lambda: ag.stack([c * (i + 1) for i, c in enumerate(x.unbind(1))]),
                   lambda: torch.stack([c * (i + 1) for i, c in enumerate(tx.unbind(1))])),
    }
    ours, theirs = calls[op]
    _same(ours(), theirs(), [x, s], [tx, ts])


def test_one_hot_and_nonzero_match_torch():
    torch = pytest.importorskip("torch")
    labels = np.array([[3, 0], [1, 1]])
    np.testing.assert_array_equal(ag.one_hot(labels).data,
                                  torch.nn.functional.one_hot(torch.tensor(labels)).numpy())
    values = np.array([[0.0, 1.0, 0.0], [2.0, 0.0, 3.0]])
    np.testing.assert_array_equal(ag.tensor(values).nonzero().data,
                                  torch.tensor(values).nonzero().numpy())
