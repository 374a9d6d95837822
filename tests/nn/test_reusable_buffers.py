"""Work buffers recycled across steps (backend.reusable_empty) never change a live graph:
a second forward while the first graph waits for its backward gets other buffers, and a
forward after backward reuses the freed ones with the same results. Every array is pooled
here (no size floor), so the small float64 cases exercise the recycling."""
import numpy as np
import pytest

from graphgrad import autograd, nn
from graphgrad.autograd import Tensor, backend
from graphgrad.autograd.backend import buffers


@pytest.fixture(autouse=True)
def pool_everything(monkeypatch):
    monkeypatch.setattr(buffers, "_REUSABLE_MIN_BYTES", 0)
    backend.release_reusable()
    yield
    backend.release_reusable()


def _conv_model():
    autograd.manual_seed(0)
    return nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(3, 4, 2), nn.Flatten())


def _lstm_model():
    autograd.manual_seed(0)
    return nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True)


def _first(out):
    return out[0] if isinstance(out, tuple) else out


MODELS = {"conv": (_conv_model, (4, 2, 7, 7)), "lstm": (_lstm_model, (3, 6, 3))}


def _grads(model, x, weights):
    model.zero_grad()
    (_first(model(x)) * weights).sum().backward()
    return [p.grad.data.copy() for p in model.parameters()] + [x.grad.data.copy()]


@pytest.mark.parametrize("name", list(MODELS))
def test_a_second_forward_leaves_the_first_graphs_gradients_alone(name):
    build, shape = MODELS[name]
    rng = np.random.default_rng(1)
    x1 = Tensor(rng.standard_normal(shape), requires_grad=True)
    x2 = Tensor(rng.standard_normal(shape), requires_grad=True)
    model = build()
    out1 = _first(model(x1))
    weights = Tensor(rng.standard_normal(out1.shape))
    expected = _grads(build(), Tensor(x1.data, requires_grad=True), weights)
    expected_2 = _grads(build(), Tensor(x2.data, requires_grad=True), weights)
    out2 = _first(model(x2))  # same shapes: would find out1's buffers if they were free
    model.zero_grad()
    (out1 * weights).sum().backward(retain_graph=True)
    got = [p.grad.data.copy() for p in model.parameters()] + [x1.grad.data]
    for mine, theirs in zip(got, expected):
        np.testing.assert_array_equal(mine, theirs)
    _ = _first(model(x2 * 2))  # a third forward, out1's graph retained: still its own
    model.zero_grad()
    x1.grad = None
    (out1 * weights).sum().backward()
    for mine, theirs in zip([p.grad.data for p in model.parameters()] + [x1.grad.data],
                            expected):
        np.testing.assert_array_equal(mine, theirs)
    model.zero_grad()
    (out2 * weights).sum().backward()
    for mine, theirs in zip([p.grad.data for p in model.parameters()] + [x2.grad.data],
                            expected_2):
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize("name", list(MODELS))
def test_steps_after_backward_reuse_buffers_with_the_same_results(name):
    build, shape = MODELS[name]
    rng = np.random.default_rng(2)
    x = Tensor(rng.standard_normal(shape), requires_grad=True)
    model = build()
    weights = Tensor(rng.standard_normal(_first(model(x)).shape))
    first = _grads(model, x, weights)
    kept = sum(len(pool) for pool in buffers._REUSABLE.values())
    for _ in range(3):
        x.grad = None
        for mine, theirs in zip(_grads(model, x, weights), first):
            np.testing.assert_array_equal(mine, theirs)
    assert kept and sum(len(pool) for pool in buffers._REUSABLE.values()) == kept  # reused
