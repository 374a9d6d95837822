"""Dense layers, activations, Flatten and Dropout: values, gradients (float64), init, modes."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import graphgrad.nn.functional as F
from graphgrad import autograd, nn
from graphgrad.autograd import Tensor
from graphgrad.autograd.testing import gradcheck, gradgradcheck
from graphgrad.autograd.testing import strategies as ats

batch_sizes = st.integers(1, 5)
features = st.integers(1, 6)


def rand64(shape, seed=0, requires_grad=True):
    return Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=requires_grad)


# ------------------------------------------------------------------ Linear
@given(n=batch_sizes, fan_in=features, fan_out=features, bias=st.booleans(), data=st.data())
def test_linear_gradcheck(n, fan_in, fan_out, bias, data):
    layer = nn.Linear(fan_in, fan_out, bias=bias).double()
    x = data.draw(ats.tensors(shape=(n, fan_in)))
    assert gradcheck(lambda x, *params: layer(x), (x,) + tuple(layer.parameters()))


@given(lead=st.lists(st.integers(1, 3), min_size=0, max_size=2), fan_in=features,
       fan_out=features, data=st.data())
def test_linear_any_leading_axes_gradcheck_and_second_order(lead, fan_in, fan_out, data):
    x = data.draw(ats.tensors(shape=tuple(lead) + (fan_in,)))
    w = data.draw(ats.tensors(shape=(fan_out, fan_in)))
    b = data.draw(ats.tensors(shape=(fan_out,)))
    assert F.linear(x, w, b).shape == tuple(lead) + (fan_out,)
    assert gradcheck(F.linear, (x, w, b))
    assert gradgradcheck(F.linear, (x, w, b))


def test_linear_known_values():
    layer = nn.Linear(2, 3)
    with autograd.no_grad():
        layer.weight[...] = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
        layer.bias[...] = np.array([0.5, 0.0, -1.0])
    out = layer(Tensor(np.array([[1.0, 1.0], [2.0, -2.0]], dtype=np.float32)))
    # row 1: [1+2+0.5, -1, 3+0.5-1]; row 2: [2-4+0.5, 2, 6-1-1]
    np.testing.assert_allclose(out.data, [[3.5, -1.0, 2.5], [-1.5, 2.0, 4.0]])
    assert out.dtype == np.float32


def test_linear_float32_end_to_end_and_raw_array_input():
    layer = nn.Linear(4, 2)
    out = layer(np.ones((3, 4), dtype=np.float32))
    out.sum().backward()
    assert out.dtype == layer.weight.grad.dtype == layer.bias.grad.dtype == np.float32


def test_linear_pytorch_default_init_bounds_and_names():
    autograd.manual_seed(0)
    layer = nn.Linear(50, 400)
    bound = 1 / math.sqrt(50)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer.weight.shape == (400, 50) and layer.bias.shape == (400,)
    for p in (layer.weight.data, layer.bias.data):
        assert np.abs(p).max() <= bound and np.abs(p).max() > 0.9 * bound
    # uniform on [-b, b]: variance b^2 / 3
    assert abs(layer.weight.data.var() - bound ** 2 / 3) < 0.05 * bound ** 2


def test_linear_init_is_seeded():
    autograd.manual_seed(3)
    a = nn.Linear(3, 3).weight.data.copy()
    autograd.manual_seed(3)
    np.testing.assert_array_equal(a, nn.Linear(3, 3).weight.data)


def test_linear_shape_error_names_op_and_shapes():
    with pytest.raises(autograd.ShapeError, match=r"linear: input of shape \(2, 5\).*\(3, 4\)"):
        nn.Linear(4, 3)(Tensor(np.zeros((2, 5))))


def test_linear_against_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((5, 3))
    layer = nn.Linear(3, 2).double()
    ref = torch.nn.Linear(3, 2).double()
    state = layer.state_dict()
    ref.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in state.items()})
    xt = torch.tensor(x, requires_grad=True)
    ref(xt).pow(2).sum().backward()
    xa = Tensor(x, requires_grad=True)
    (layer(xa) ** 2).sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.weight.grad.data, ref.weight.grad.numpy(), rtol=1e-12)


# ------------------------------------------------------------------ activations
def _gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


ACTIVATIONS = [  # name, layer, functional form, numpy reference
    ("relu", nn.ReLU(), F.relu, lambda x: np.maximum(x, 0)),
    ("leaky_relu", nn.LeakyReLU(0.2), lambda x: F.leaky_relu(x, 0.2),
     lambda x: np.where(x > 0, x, 0.2 * x)),
    ("sigmoid", nn.Sigmoid(), F.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    ("tanh", nn.Tanh(), F.tanh, np.tanh),
    ("gelu", nn.GELU(), F.gelu, _gelu),
    ("softmax", nn.Softmax(dim=1), lambda x: F.softmax(x, dim=1), lambda x: _softmax(x, 1)),
    ("log_softmax", nn.LogSoftmax(dim=1), lambda x: F.log_softmax(x, 1),
     lambda x: np.log(_softmax(x, 1))),
]


@pytest.mark.parametrize("name,layer,functional,reference", ACTIVATIONS,
                         ids=[a[0] for a in ACTIVATIONS])
@given(n=batch_sizes, k=features, data=st.data())
def test_activation_values_and_gradcheck(name, layer, functional, reference, n, k, data):
    x = data.draw(ats.tensors(shape=(n, k), min_value=-5, max_value=5, exclude_zero=True))
    np.testing.assert_allclose(layer(x).data, reference(x.data), rtol=1e-7, atol=1e-12)
    np.testing.assert_array_equal(functional(x).data, layer(x).data)
    assert gradcheck(layer, x)


def test_activation_reprs():
    assert repr(nn.LeakyReLU()) == "LeakyReLU(negative_slope=0.01)"
    assert repr(nn.Softmax(dim=-1)) == "Softmax(dim=-1)"
    assert repr(nn.GELU("tanh")) == "GELU(approximate='tanh')"
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"


def test_softmax_without_dim_warns_and_uses_pytorch_legacy_axis():
    x = rand64((2, 3), requires_grad=False)
    with pytest.warns(UserWarning, match="Implicit dimension"):
        out = nn.Softmax()(x)
    np.testing.assert_allclose(out.data.sum(axis=1), 1.0)


# ------------------------------------------------------------------ Flatten
def test_flatten_default_keeps_batch_axis_and_gradient():
    x = rand64((2, 3, 4))
    out = nn.Flatten()(x)
    assert out.shape == (2, 12)
    np.testing.assert_array_equal(out.data, x.data.reshape(2, 12))
    assert nn.Flatten(0, -1)(x).shape == (24,)
    assert gradcheck(nn.Flatten(1, 2), x)


# ------------------------------------------------------------------ Dropout
def test_dropout_eval_is_identity_and_same_object():
    layer = nn.Dropout(0.7).eval()
    x = rand64((4, 5))
    assert layer(x) is x


def test_dropout_train_zeroes_and_scales():
    autograd.manual_seed(0)
    x = Tensor(np.ones((400, 50), dtype=np.float32), requires_grad=True)
    out = nn.Dropout(0.25)(x)
    values = np.unique(out.data)
    np.testing.assert_allclose(values, [0.0, 1 / 0.75], rtol=1e-6)
    assert abs((out.data == 0).mean() - 0.25) < 0.02
    assert abs(out.data.mean() - 1.0) < 0.03  # inverted dropout keeps the expectation
    assert out.dtype == np.float32
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)  # gradient = the same mask


def test_dropout_seeded_and_edge_probabilities():
    x = rand64((3, 4), requires_grad=False)
    autograd.manual_seed(1)
    a = F.dropout(x, 0.5).data
    autograd.manual_seed(1)
    np.testing.assert_array_equal(a, F.dropout(x, 0.5).data)
    assert F.dropout(x, 0.0) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0).data, 0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


def test_dropout_gradcheck_with_fixed_generator():
    x = rand64((3, 4))

    def fn(x):
        return F.dropout(x, 0.3, generator=np.random.default_rng(5))

    assert gradcheck(fn, x)
