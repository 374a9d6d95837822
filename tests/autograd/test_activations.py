"""Activations against torch: values and gradients (kink points included), modules, PReLU."""
import numpy as np
import pytest

import graphgrad.autograd as ag
import graphgrad.nn.functional as F
from graphgrad import nn
from graphgrad.autograd.errors import DtypeError, ShapeError

# Kinks and bounds of every piecewise activation, plus ordinary and extreme points.
POINTS = np.array([-1e3, -30.0, -6.0, -3.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0,
                   6.0, 7.0, 30.0, 1e3])

CASES = [  # (name in F, kwargs)
    ("silu", {}), ("mish", {}), ("elu", {}), ("elu", {"alpha": 0.5}), ("selu", {}),
    ("celu", {"alpha": 2.0}), ("hardtanh", {}), ("hardtanh", {"min_val": -2.0, "max_val": 0.5}),
    ("relu6", {}), ("hardsigmoid", {}), ("hardswish", {}), ("softsign", {}), ("logsigmoid", {}),
    ("softplus", {}), ("softplus", {"beta": 2.0, "threshold": 3.0}), ("softmin", {"dim": 0}),
    ("glu", {"dim": 0}),
]


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}{k}" for n, k in CASES])
def test_functional_matches_torch_with_kinks(name, kwargs):
    torch = pytest.importorskip("torch")
    x = ag.tensor(POINTS[1:], requires_grad=True)  # even length, for glu
    tx = torch.tensor(POINTS[1:], requires_grad=True)
    out = getattr(F, name)(x, **kwargs)
    ref = getattr(torch.nn.functional, name)(tx, **kwargs)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-300)
    weights = np.random.default_rng(0).uniform(0.5, 1.5, size=out.shape)
    (out * ag.tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    # NOTE: torch's hardsigmoid backward multiplies by 1/6 rounded to float32, in float64 too.
    rtol = 1e-7 if name == "hardsigmoid" else 1e-12
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=rtol, atol=1e-300)


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}{k}" for n, k in CASES])
def test_modules_match_torch_in_float32(name, kwargs):
    torch = pytest.importorskip("torch")
    cls = {"silu": "SiLU", "mish": "Mish", "elu": "ELU", "selu": "SELU", "celu": "CELU",
           "hardtanh": "Hardtanh", "relu6": "ReLU6", "hardsigmoid": "Hardsigmoid",
           "hardswish": "Hardswish", "softsign": "Softsign", "logsigmoid": "LogSigmoid",
           "softplus": "Softplus", "softmin": "Softmin", "glu": "GLU"}[name]
    data = np.random.default_rng(0).normal(scale=3.0, size=(4, 6)).astype(np.float32)
    ours = getattr(nn, cls)(**kwargs)(ag.tensor(data))
    theirs = getattr(torch.nn, cls)(**kwargs)(torch.tensor(data))
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=2e-6, atol=1e-6)


def test_second_derivatives_match_torch():
    torch = pytest.importorskip("torch")
    for name in ("silu", "mish", "elu", "selu", "celu", "softplus", "logsigmoid", "softsign",
                 "hardswish"):
        x = ag.tensor(POINTS[2:-2] + 0.25, requires_grad=True)
        tx = torch.tensor(POINTS[2:-2] + 0.25, requires_grad=True)
        (g,) = ag.grad(getattr(F, name)(x).sum(), x, create_graph=True)
        (tg,) = torch.autograd.grad(getattr(torch.nn.functional, name)(tx).sum(), tx,
                                    create_graph=True)
        (gg,) = ag.grad(g.sum(), x)
        (tgg,) = torch.autograd.grad(tg.sum(), tx)
        np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


def test_infinite_gradient_is_masked_not_nan():
    for fn in (ag.elu, ag.hardtanh, ag.relu6, ag.hardsigmoid, ag.hardswish):
        x = ag.tensor(np.array([-10.0, 10.0]), requires_grad=True)
        fn(x).backward(ag.tensor(np.array([np.inf, np.inf])))
        assert not np.isnan(x.grad.data).any(), fn.__name__


def test_prelu_module_has_pytorchs_parameter_and_loads_its_state_dict():
    torch = pytest.importorskip("torch")
    layer = nn.PReLU(num_parameters=3, init=0.1)
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    assert layer.weight.shape == (3,) and np.allclose(layer.weight.data, 0.1)
    reference = torch.nn.PReLU(3, init=0.1)
    with torch.no_grad():
        reference.weight.copy_(torch.tensor([0.5, -0.2, 0.3]))
    layer.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    data = np.random.default_rng(1).normal(size=(2, 3, 4)).astype(np.float32)
    out = layer(ag.tensor(data))
    ref = reference(torch.tensor(data))
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-6)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(layer.weight.grad.data, reference.weight.grad.numpy(), rtol=1e-5)
    assert nn.PReLU()(ag.tensor([-4.0])).tolist() == [-1.0]


@pytest.mark.parametrize("call, error, words", [
    (lambda: ag.glu(ag.zeros((2, 3))), ShapeError, "odd"),
    (lambda: ag.prelu(ag.zeros((2, 3)), ag.zeros(2)), ShapeError, "one per channel"),
    (lambda: ag.celu(ag.zeros(2), alpha=0.0), ValueError, "alpha"),
    (lambda: ag.elu(ag.zeros(2), alpha=ag.tensor(1.0)), DtypeError, "alpha"),
    (lambda: ag.hardtanh(ag.zeros(2), 1.0, -1.0), ValueError, "min_val"),
    (lambda: ag.softplus(ag.zeros(2), beta=0.0), ValueError, "beta"),
    (lambda: nn.PReLU(num_parameters=0), ValueError, "num_parameters"),
])
def test_bad_arguments_raise_errors_naming_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert str(info.value).split(":")[0] in ("glu", "prelu", "celu", "elu", "hardtanh",
                                             "softplus", "PReLU")
    assert words in str(info.value)
