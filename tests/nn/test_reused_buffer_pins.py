"""Pins for layers whose forward or backward may reuse buffers between calls (im2col columns,
gate buffers, pooling windows, the Linear product): two graphs of one layer alive at once must
not share memory. The output of a first call keeps its values after a second call, and each
graph's gradients, taken after both forwards (in either order, and twice with
``retain_graph``), equal those of a pass run alone, bit for bit in float64. And a retained
cross_entropy graph, whose node keeps its own arrays without the read-only lock, gives the
same gradients on every backward.
"""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn

# name -> (make the layer, input shape); float64 throughout
LAYERS = {
    "Conv2d": (lambda: nn.Conv2d(3, 4, 3, padding=1, stride=2), (2, 3, 7, 6)),
    "Conv2d groups dilation": (lambda: nn.Conv2d(4, 4, 3, groups=2, dilation=2), (2, 4, 7, 7)),
    "Conv1d": (lambda: nn.Conv1d(3, 5, 3, padding=2), (2, 3, 9)),
    "ConvTranspose2d": (lambda: nn.ConvTranspose2d(3, 2, 3, stride=2), (2, 3, 4, 5)),
    "MaxPool2d": (lambda: nn.MaxPool2d(2), (2, 3, 6, 6)),
    "MaxPool2d overlapping": (lambda: nn.MaxPool2d(3, stride=1, padding=1), (2, 2, 5, 5)),
    "AvgPool2d": (lambda: nn.AvgPool2d(3, stride=2, padding=1), (2, 3, 7, 7)),
    "Linear": (lambda: nn.Linear(6, 5), (4, 6)),
    "LSTM": (lambda: nn.LSTM(4, 3, num_layers=2, batch_first=True), (2, 5, 4)),
    "GRU bidirectional": (lambda: nn.GRU(4, 3, bidirectional=True), (5, 2, 4)),
    "RNN": (lambda: nn.RNN(4, 3), (5, 2, 4)),
}


def _output(layer, x):
    out = layer(x)
    return out[0] if isinstance(out, tuple) else out


def _loss(out, seed):
    weights = np.random.default_rng(seed).standard_normal(out.shape)
    return (out * gg.tensor(weights, dtype=np.float64)).sum()


def _grads(layer, x):
    return [x.grad.data.copy()] + [p.grad.data.copy() for p in layer.parameters()]


def _zero(layer, x):
    x.grad = None
    for p in layer.parameters():
        p.grad = None


@pytest.mark.parametrize("name", LAYERS)
def test_two_graphs_of_one_layer_alive_at_once_do_not_share_memory(name):
    make, shape = LAYERS[name]
    gg.manual_seed(0)
    layer = make()
    layer.double()
    for p in layer.parameters():
        assert p.dtype == np.float64
    rng = np.random.default_rng(1)
    x1 = gg.tensor(rng.standard_normal(shape), dtype=np.float64, requires_grad=True)
    x2 = gg.tensor(rng.standard_normal(shape), dtype=np.float64, requires_grad=True)

    alone = []
    for x, seed in ((x1, 2), (x2, 3)):  # each pass alone: its output and gradients
        out = _output(layer, x)
        _loss(out, seed).backward()
        alone.append((out.data.copy(), _grads(layer, x)))
        _zero(layer, x)

    out1 = _output(layer, x1)
    out2 = _output(layer, x2)  # a second call while the first graph is alive
    np.testing.assert_array_equal(out1.data, alone[0][0])
    np.testing.assert_array_equal(out2.data, alone[1][0])
    loss1, loss2 = _loss(out1, 2), _loss(out2, 3)
    loss2.backward(retain_graph=True)  # the later graph first
    np.testing.assert_array_equal(_grads(layer, x2)[0], alone[1][1][0])
    _zero(layer, x2)
    loss1.backward(retain_graph=True)
    for got, expected in zip(_grads(layer, x1), alone[0][1]):
        np.testing.assert_array_equal(got, expected)
    _zero(layer, x1)
    loss1.backward()  # the same graph again gives the same gradients
    for got, expected in zip(_grads(layer, x1), alone[0][1]):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(out1.data, alone[0][0])


# cross_entropy's node keeps its own arrays unlocked (379a092): a rule that wrote into them
# would change a retained graph's next backward, which the read-only lock no longer catches
CROSS_ENTROPY = [({}, "sparse"), ({}, "dense"), ({"label_smoothing": 0.1}, "sparse"),
                 ({"weight": np.array([1.0, 2.0, 0.5, 1.5]), "label_smoothing": 0.2}, "dense"),
                 ({"weight": np.array([1.0, 2.0, 0.5, 1.5])}, "sparse"),
                 ({"ignore_index": 2, "reduction": "none"}, "sparse")]


@pytest.mark.parametrize(("kwargs", "kind"), CROSS_ENTROPY)
def test_a_retained_cross_entropy_graph_gives_the_same_gradients_on_every_backward(kwargs,
                                                                                    kind):
    rng = np.random.default_rng(0)
    logits = gg.tensor(rng.standard_normal((5, 4)), dtype=np.float64, requires_grad=True)
    if kind == "sparse":
        target = rng.integers(0, 4, 5)
    else:
        target = gg.tensor(rng.dirichlet(np.ones(4), 5), dtype=np.float64, requires_grad=True)
    loss = nn.functional.cross_entropy(logits, target, **kwargs)
    loss = loss.sum() if loss.ndim else loss
    inputs = [logits] + ([target] if kind == "dense" else [])
    first = [g.data.copy() for g in gg.grad(loss, inputs, retain_graph=True)]
    loss.backward(retain_graph=True)
    loss.backward(retain_graph=True)
    for value, expected in zip(inputs, first):
        np.testing.assert_array_equal(value.grad.data, 2 * expected)
    (again,) = gg.grad(loss, logits, create_graph=True)  # the recorded path reads them too
    np.testing.assert_allclose(again.data, first[0], rtol=1e-12)
