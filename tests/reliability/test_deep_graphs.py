"""Deep graphs: backward is iterative, so depth is bounded by memory, never by the C stack.

A 1,000,000-op Tensor chain and a 100,000-layer Scalar graph backpropagate, give the
gradient a plain Python loop computes, and are freed by reference counting alone.
(Time and peak memory are measured outside pytest: see the issue-9 note.)
"""
import math
import weakref

import numpy as np
import pytest

import graphgrad.autograd as ag

CHAIN_OPS = 1_000_000
SCALAR_LAYERS = 100_000


def test_million_op_tensor_chain_backpropagates(cycle_collector_off):
    x = ag.tensor(np.float64(0.5), requires_grad=True)
    y = x
    middle = None
    # two ops per step: mul (saves its inputs) then add (saves nothing)
    for step in range(CHAIN_OPS // 2):
        y = y * 1.0 + 0.0
        if step == CHAIN_OPS // 4:
            middle = weakref.ref(y.grad_fn)
    y.backward()
    assert x.grad.item() == 1.0
    assert y.data.item() == 0.5
    assert middle() is not None  # the graph lives while its output does
    del y
    assert middle() is None  # ... and is freed the moment the output is dropped


def test_million_op_chain_dropped_without_backward(cycle_collector_off):
    """Dropping an unused deep graph must not overflow the C stack while it deallocates."""
    x = ag.tensor(np.float32(1.0), requires_grad=True)
    y = x
    for _ in range(CHAIN_OPS // 4):
        y = y + 1.0
    first = weakref.ref(y.grad_fn)
    del y
    assert first() is None


def test_deep_graph_with_fan_out_accumulates():
    """Each layer uses the previous value twice: Kahn's counts must release it once."""
    depth = 20_000
    x = ag.tensor(np.float64(0.3), requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 0.5 + y * 0.5  # value and derivative both unchanged per layer
    y.backward()
    assert math.isclose(x.grad.item(), 1.0, rel_tol=1e-12)


def test_deep_retain_graph_backward_twice():
    x = ag.tensor([0.1, -0.2], dtype=np.float64, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y.tanh() * 1.0
    loss = y.sum()
    loss.backward(retain_graph=True)
    first = x.grad.data.copy()
    loss.backward()
    np.testing.assert_array_equal(x.grad.data, 2 * first)
    with pytest.raises(ag.GraphFreedError):
        loss.backward()


def _scalar_class():
    return ag.Scalar


def test_hundred_thousand_layer_scalar_graph_backpropagates(cycle_collector_off):
    Scalar = _scalar_class()
    x = Scalar(0.7)
    y = x
    value, derivative = 0.7, 1.0
    middle = None
    for layer in range(SCALAR_LAYERS):
        if layer == SCALAR_LAYERS // 2:
            middle = weakref.ref(y)
        # one layer: affine then tanh; track value and chain-rule derivative by hand
        y = (y * 0.9 + 0.05).tanh()
        value = math.tanh(value * 0.9 + 0.05)
        derivative *= 0.9 * (1.0 - value * value)
    y.backward()
    assert math.isclose(y.data, value, rel_tol=1e-12)
    assert math.isclose(x.grad, derivative, rel_tol=1e-9, abs_tol=1e-300)
    del y
    assert middle() is None  # freed by reference counting (the cycle collector is off)


def test_hundred_thousand_layer_scalar_graph_with_two_paths():
    Scalar = _scalar_class()
    x = Scalar(0.25)
    y = x
    for _ in range(SCALAR_LAYERS):
        y = y * 0.5 + y * 0.5
    y.backward()
    assert math.isclose(x.grad, 1.0, rel_tol=1e-12)
