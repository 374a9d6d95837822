"""nn.init: PyTorch's gains and fans, bounds and spreads, in place, seeded."""
import math

import numpy as np
import pytest

from graphgrad import autograd, nn
from graphgrad.autograd import Tensor


def blank(*shape):
    return Tensor(np.zeros(shape, dtype=np.float32))


@pytest.mark.parametrize("name,param,expected", [
    ("linear", None, 1.0), ("conv2d", None, 1.0), ("sigmoid", None, 1.0),
    ("tanh", None, 5 / 3), ("relu", None, math.sqrt(2)), ("selu", None, 0.75),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01 ** 2))),
    ("leaky_relu", math.sqrt(5), math.sqrt(2 / 6)),
])
def test_calculate_gain_table(name, param, expected):
    assert nn.init.calculate_gain(name, param) == pytest.approx(expected)


def test_calculate_gain_unknown():
    with pytest.raises(ValueError, match="'swish'"):
        nn.init.calculate_gain("swish")


def test_fans_include_receptive_field():
    assert nn.init._calculate_fan_in_and_fan_out(blank(8, 3, 5, 5)) == (75, 200)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(blank(5))


def _bound(name, shape, **kwargs):
    fan_in, fan_out = shape[1], shape[0]
    if name == "xavier_uniform_":
        return kwargs.get("gain", 1.0) * math.sqrt(6 / (fan_in + fan_out))
    fan = fan_in if kwargs.get("mode", "fan_in") == "fan_in" else fan_out
    gain = nn.init.calculate_gain(kwargs.get("nonlinearity", "leaky_relu"), kwargs.get("a", 0))
    return gain * math.sqrt(3 / fan)


@pytest.mark.parametrize("name,kwargs", [
    ("xavier_uniform_", {}), ("xavier_uniform_", {"gain": 2.0}),
    ("kaiming_uniform_", {}), ("kaiming_uniform_", {"a": math.sqrt(5)}),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}),
])
def test_uniform_initialisers_fill_to_their_bound(name, kwargs):
    autograd.manual_seed(0)
    w = blank(300, 200)
    out = getattr(nn.init, name)(w, **kwargs)
    bound = _bound(name, (300, 200), **kwargs)
    assert out is w and w.dtype == np.float32
    assert np.abs(w.data).max() <= bound * (1 + 1e-6)
    assert abs(w.data.var() - bound ** 2 / 3) < 0.03 * bound ** 2


@pytest.mark.parametrize("name,kwargs,std", [
    ("xavier_normal_", {}, math.sqrt(2 / 500)),
    ("kaiming_normal_", {"nonlinearity": "relu"}, math.sqrt(2) / math.sqrt(200)),
    ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "tanh"}, (5 / 3) / math.sqrt(300)),
])
def test_normal_initialisers_have_their_std(name, kwargs, std):
    autograd.manual_seed(0)
    w = blank(300, 200)
    getattr(nn.init, name)(w, **kwargs)
    assert abs(w.data.mean()) < 0.02 * std * 10
    assert w.data.std() == pytest.approx(std, rel=0.03)


def test_constant_fills_and_modes():
    w = blank(2, 3)
    assert np.all(nn.init.ones_(w).data == 1)
    assert np.all(nn.init.zeros_(w).data == 0)
    assert np.all(nn.init.constant_(w, 0.5).data == 0.5)
    np.testing.assert_array_equal(nn.init.eye_(w).data, np.eye(2, 3))
    with pytest.raises(ValueError, match="mode"):
        nn.init.kaiming_uniform_(w, mode="fan_avg")


def test_init_on_parameter_in_place_without_recording():
    layer = nn.Linear(4, 3)
    weight, before = layer.weight, layer.weight.data.copy()
    nn.init.xavier_normal_(layer.weight)
    assert layer.weight is weight and weight.is_leaf and weight.requires_grad
    assert weight.grad_fn is None and weight.dtype == np.float32
    assert not np.array_equal(weight.data, before)


def test_init_is_seeded_and_accepts_a_generator():
    autograd.manual_seed(42)
    a = nn.init.normal_(blank(3, 3)).data.copy()
    autograd.manual_seed(42)
    np.testing.assert_array_equal(a, nn.init.normal_(blank(3, 3)).data)
    g1, g2 = np.random.default_rng(1), np.random.default_rng(1)
    np.testing.assert_array_equal(nn.init.uniform_(blank(2, 2), generator=g1).data,
                                  nn.init.uniform_(blank(2, 2), generator=g2).data)


@pytest.mark.parametrize("name,shape,kwargs", [
    ("kaiming_uniform_", (0, 3), {"mode": "fan_out"}),
    ("kaiming_normal_", (0, 3), {"mode": "fan_out"}),
    ("kaiming_normal_", (4, 0, 3), {}), ("kaiming_uniform_", (3, 0), {}),
    ("xavier_uniform_", (0, 0), {}), ("xavier_normal_", (2, 3, 0), {}),
])
def test_fan_initialisers_leave_zero_element_tensors_alone(name, shape, kwargs):
    # PyTorch warns and returns the tensor for kaiming_*; a zero fan used to divide by zero
    w = blank(*shape)
    with pytest.warns(UserWarning, match="zero-element tensors is a no-op"):
        assert getattr(nn.init, name)(w, **kwargs) is w
    assert w.shape == shape


def test_kaiming_on_zero_elements_matches_torch():
    torch = pytest.importorskip("torch")
    with pytest.warns(UserWarning, match="no-op"):
        torch.nn.init.kaiming_normal_(torch.zeros(0, 3), mode="fan_out")
    with pytest.warns(UserWarning, match="no-op"):
        nn.init.kaiming_normal_(blank(0, 3), mode="fan_out")
