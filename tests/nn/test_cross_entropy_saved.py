"""What cross_entropy's node keeps: its own arrays unlocked in one list (freed after backward),
the caller's arrays locked; the gradients are those of the definition, whatever the caller
does to its arrays after forward."""
import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad.autograd import GraphFreedError
from graphgrad.autograd.testing import gradcheck, gradgradcheck
from graphgrad.nn import functional as F


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _problem(seed=0, rows=6, classes=4):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((rows, classes)), rng.integers(0, classes, rows)


def test_sparse_target_written_after_forward_leaves_the_gradient_right():
    z, target = _problem()
    logits = ag.tensor(z, requires_grad=True)
    loss = F.cross_entropy(logits, target)
    kept = target.copy()
    target[:] = (target + 1) % 4  # the caller reuses its label buffer before backward
    loss.backward()
    expected = _softmax(z)
    expected[np.arange(6), kept] -= 1
    np.testing.assert_allclose(logits.grad.data, expected / 6, rtol=1e-12, atol=1e-15)


def test_callers_dense_target_and_class_weights_stay_locked_until_backward():
    z, _ = _problem(1)
    probs = _softmax(np.random.default_rng(2).standard_normal(z.shape))
    weight = np.array([1.0, 2.0, 0.5, 1.5])
    loss = F.cross_entropy(ag.tensor(z, requires_grad=True), probs, weight=weight)
    for array in (probs, weight):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0.0
    loss.backward()
    probs[0] = 0.0
    weight[0] = 0.0  # writable again once the graph let go


@pytest.mark.parametrize("kwargs", [{}, {"label_smoothing": 0.1},
                                    {"weight": np.array([1.0, 2.0, 0.5, 1.5])},
                                    {"ignore_index": 2, "reduction": "sum"}])
def test_saved_values_are_freed_after_backward_and_second_order_holds(kwargs):
    z, target = _problem(3)
    logits = ag.tensor(z, requires_grad=True)
    loss = F.cross_entropy(logits, target, **kwargs)
    node = loss.grad_fn
    loss.backward()
    with pytest.raises(GraphFreedError):
        _ = node.saved_tensors
    with pytest.raises(GraphFreedError):
        loss.backward()
    x = ag.tensor(z, requires_grad=True)
    assert gradcheck(lambda v: F.cross_entropy(v, target, **kwargs), (x,))
    assert gradgradcheck(lambda v: F.cross_entropy(v, target, **kwargs), (x,))
