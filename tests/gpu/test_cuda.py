"""The portability checks on a CUDA GPU (CuPy): ``pytest -m gpu`` on a machine that has one.

Skipped, as a whole module, where CuPy is missing or sees no device; a documented
exception in ``tests/ci_skips.py`` keeps that skip a skip under ``CI=true`` (CI machines
have no GPU). The op spec table runs on ``"cuda"`` as on array-api-strict
(``tests/portability/device_checks.py``), and the MLP, CNN and LSTM training steps must
match numpy's. Specs listed in ``tests/portability/not_portable.txt`` for
``array_api_strict`` are expected to fail here too, but not strictly: CuPy offers more
than the standard (``einsum``), so some of them may pass on a GPU.
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphgrad as gg
from benchmarks.gpu import cuda_status
from tests.autograd.op_specs import SPECS, cases
from tests.portability.device_checks import check_on_device
from tests.portability.test_ops_on_devices import NOT_PORTABLE
from tests.portability.test_training_on_devices import MODELS, TOLERANCE, train

REASON = cuda_status()
if REASON is not None:
    pytest.skip(f"no CUDA GPU: {REASON}", allow_module_level=True)

pytestmark = pytest.mark.gpu
CUDA = "cuda"
ON_STRICT = {name for name, device in NOT_PORTABLE if device == "array_api_strict"}


@pytest.mark.parametrize("spec", [
    pytest.param(spec, id=spec.name, marks=[pytest.mark.xfail(
        strict=False, reason="does not run on array-api-strict yet")]
        if spec.name in ON_STRICT else []) for spec in SPECS])
@settings(max_examples=10)
@given(data=st.data())
def test_op_on_cuda_matches_numpy(spec, data):
    arrays, kwargs = data.draw(cases(spec, max_side=3))
    check_on_device(spec, arrays, kwargs, gg.device(CUDA), data.draw(st.integers(0, 2**32 - 1)))


@pytest.mark.parametrize("name", list(MODELS))
def test_training_on_cuda_matches_numpy(name):
    import numpy as np

    expected, expected_losses = train(name, None)
    got, losses = train(name, CUDA)
    np.testing.assert_allclose(losses, expected_losses, **TOLERANCE)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], err_msg=key, **TOLERANCE)


def test_a_cuda_tensor_round_trips_and_refuses_numpy():
    import numpy as np

    x = gg.tensor(np.arange(3.0), requires_grad=True)
    y = x.to(CUDA)
    assert y.device == "cuda:0" and y.is_cuda
    with pytest.raises(gg.DeviceError):
        y.numpy()
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 2.0, 4.0])
