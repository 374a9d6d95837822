"""jacobian/hessian/vjp/jvp and gradcheck on array-api-strict: computed on the inputs' device.

The transforms' results are Tensors on the inputs' device equal to numpy's; gradcheck
perturbs a device tensor on its device (``device1`` refuses any copy to numpy, so a host
round trip would raise) and catches a wrong backward there as on numpy.
"""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad.autograd import backend, functional
from graphgrad.autograd.testing import GradcheckError, gradcheck, gradgradcheck

pytest.importorskip("array_api_strict")

DEVICES = ["array_api_strict:CPU_DEVICE", "array_api_strict:device1",
           "array_api_strict:no_float64"]
FLOAT64_DEVICES = DEVICES[:2]


def _dtype(device):
    return np.float32 if device.endswith("no_float64") else np.float64


def _inputs(device):
    rng = np.random.default_rng(11)
    dtype = _dtype(device)
    return (gg.tensor(rng.standard_normal(3).astype(dtype), device=device),
            gg.tensor(rng.standard_normal((2, 3)).astype(dtype), device=device))


def _f(x, a):
    return (a @ x.sin()) * x[:2], (x * x).sum() + a.exp().sum()


def _same(got, want, device):
    for g, w in zip(got if isinstance(got, tuple) else (got,),
                    want if isinstance(want, tuple) else (want,)):
        if isinstance(g, tuple):
            _same(g, w, device)
            continue
        assert g.device == device
        np.testing.assert_allclose(backend.to_host(g.data), w.data, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("device", DEVICES)
def test_jacobian_and_hessian_on_the_inputs_device_match_numpy(device):
    on_device, on_host = _inputs(device), _inputs("cpu")
    _same(functional.jacobian(_f, on_device), functional.jacobian(_f, on_host), device)

    def scalar(x, a):
        return (a @ x.tanh()).sum() * x.sum()

    _same(functional.hessian(scalar, on_device), functional.hessian(scalar, on_host), device)
    unused = functional.jacobian(lambda x, a: x * 2.0, on_device)[1]  # zeros block
    assert unused.device == device and unused.shape == (3, 2, 3)


@pytest.mark.parametrize("device", DEVICES)
def test_vjp_and_jvp_on_the_inputs_device_match_numpy(device):
    on_device, on_host = _inputs(device), _inputs("cpu")
    dtype = _dtype(device)
    u = (np.array([1.0, -2.0], dtype), np.array(0.5, dtype))
    v = (np.array([0.1, 0.2, 0.3], dtype), np.ones((2, 3), dtype))
    for transform, vectors in ((functional.vjp, u), (functional.jvp, v)):
        got = transform(_f, on_device, tuple(gg.tensor(w, device=device) for w in vectors))
        want = transform(_f, on_host, tuple(gg.tensor(w) for w in vectors))
        _same(got[0], want[0], device)
        _same(got[1], want[1], device)
    x = gg.tensor(np.array([0.3], dtype), device=device)  # one element: v defaults to ones
    for transform in (functional.vjp, functional.jvp):
        result = transform(lambda t: (t ** 3).sum(), x)[1]
        assert result.device == device


@pytest.mark.parametrize("device", FLOAT64_DEVICES)
def test_gradcheck_of_a_device_tensor_runs_on_the_device(device):
    x = gg.tensor([0.3, -0.7, 1.1], dtype=gg.float64, requires_grad=True, device=device)
    w = gg.tensor([[1.0, 2.0, 0.5]], dtype=gg.float64, device=device)
    assert gradcheck(lambda t: (w * t.sin()) @ t, x)
    assert gradcheck(lambda t: t.exp() * t, x)  # a non-scalar output: projected
    assert gradgradcheck(lambda t: t.tanh() * t, x)
    assert gradgradcheck(lambda t: t.tanh() * t, x, grad_outputs=gg.ones(3, device=device,
                                                                        dtype=gg.float64))
    assert x.device == device and x.grad is None  # the input is left as it was


@pytest.mark.parametrize("device", FLOAT64_DEVICES)
def test_gradcheck_on_a_device_catches_a_wrong_backward(device):
    x = gg.tensor([1.0, 2.0], dtype=gg.float64, requires_grad=True, device=device)
    with pytest.raises(GradcheckError, match="input 0, element \\(0,\\)"):
        gradcheck(lambda t: (t.detach() * t).sum(), x)
    assert not gradgradcheck(lambda t: t * t.detach() ** 2, x, raise_exception=False)


def test_gradcheck_refuses_float32_on_a_device_without_float64():
    x = gg.tensor([1.0], requires_grad=True, device="array_api_strict:no_float64")
    with pytest.raises(ValueError, match="no_float64, has no float64.*x.to\\('cpu', gg.float64\\)"):
        gradcheck(lambda t: t * t, x)
