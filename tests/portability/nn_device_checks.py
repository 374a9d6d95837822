"""What the tests of nn's layers and utilities on array-api-strict share.

Each such test runs a case once on numpy and once on a strict device from the same values
and compares: ``DEVICES`` are the default device, ``device1`` (a second device: any silent
copy to numpy raises there) and ``no_float64`` (float32 only, compared at float32's
tolerances with numpy's float32 run).
"""
from __future__ import annotations

import numpy as np

import graphgrad as gg
from graphgrad.autograd import backend

DEVICES = ["array_api_strict:CPU_DEVICE", "array_api_strict:device1",
           "array_api_strict:no_float64"]
FLOAT64 = {"rtol": 1e-10, "atol": 1e-12}  # the same operations in the same order
FLOAT32 = {"rtol": 2e-5, "atol": 2e-6}


def dtype_on(where: str) -> type:
    """The float dtype a case runs in on ``where``: float32 without float64, else float64."""
    return np.float32 if where.endswith("no_float64") else np.float64


def tolerance_on(where: str) -> dict[str, float]:
    """``assert_allclose``'s tolerances for values computed on ``where`` against numpy's."""
    return FLOAT32 if where.endswith("no_float64") else FLOAT64


def host(x) -> np.ndarray:
    """A Tensor's or an array's values as a numpy array (copied from a device)."""
    return backend.to_host(x.data if gg.is_value(x) else x)


def leaf(array: np.ndarray, where: str, dtype: type) -> gg.Tensor:
    """``array`` in ``dtype`` as a leaf on ``where`` that requires grad."""
    return gg.tensor(array.astype(dtype), requires_grad=True, device=where)


def assert_gradients_alike(module, expected, where: str) -> None:
    """Every parameter of ``module`` has a gradient on ``where`` equal to ``expected``'s."""
    theirs = dict(expected.named_parameters())
    for name, p in module.named_parameters():
        assert p.grad is not None and str(p.grad.device) == where, name
        np.testing.assert_allclose(host(p.grad), host(theirs[name].grad), err_msg=name,
                                   **tolerance_on(where))


def assert_trained_alike(losses, expected_losses, module, expected, where: str) -> None:
    """Losses and parameters after training on ``where`` equal numpy's to 1e-6 (float64), and
    the loss went down (something trained)."""
    np.testing.assert_allclose(losses, expected_losses, rtol=1e-6)
    assert losses[-1] < losses[0]
    theirs = dict(expected.named_parameters())
    for name, p in module.named_parameters():
        assert str(p.device) == where, name
        np.testing.assert_allclose(host(p), host(theirs[name]), rtol=1e-6, atol=1e-9,
                                   err_msg=name)
