"""Where a Tensor's numbers meet Python and numpy: each works on a device or says why not.

On ``array_api_strict:device1`` any conversion to numpy raises, so the conversions that
work here (len, repr, item, tolist, float, format, the random draws of a device
distribution) copy to the host explicitly; the rest raise ``DeviceError`` naming the
function, the device and the fix (``np.asarray(t)``/``t.numpy()``: test_devices.py).
"""
import numpy as np
import pytest

import graphgrad as gg

pytest.importorskip("array_api_strict")

DEVICE = "array_api_strict:device1"


def _pair():
    values = [[1.5, -2.0, 3.0], [0.25, 4.0, -0.5]]
    return gg.tensor(values), gg.tensor(values, device=DEVICE)


def test_python_conversions_of_a_device_tensor_equal_the_cpus():
    cpu, dev = _pair()
    assert len(dev) == len(cpu) == 2
    assert dev.tolist() == cpu.tolist()
    assert dev.sum().item() == cpu.sum().item()
    assert float(dev[0, 1]) == -2.0 and int(dev[1, 1]) == 4 and bool(dev[0, 0] > 0)
    assert f"{dev[0, 0]:.2f}" == f"{cpu[0, 0]:.2f}" == "1.50"
    assert repr(dev) == repr(cpu)[:-1] + ", device='array_api_strict:device1')"
    assert str(dev) == repr(dev)
    assert [row.tolist() for row in dev] == cpu.tolist()


def test_a_list_of_device_tensors_names_the_device_and_gg_stack():
    _, dev = _pair()
    with pytest.raises(gg.DeviceError, match="tensor: the list holds tensors on device "
                       "'array_api_strict:device1'.*gg.stack"):
        gg.tensor([dev[0, 0], dev[0, 1]])
    stacked = gg.stack([dev[0, 0], dev[0, 1]])  # the fix keeps them on the device
    assert stacked.device == DEVICE and stacked.tolist() == [1.5, -2.0]


def test_a_dtype_the_standard_lacks_names_the_library_and_the_fix():
    _, dev = _pair()
    with pytest.raises(gg.DeviceError, match="float16: array_api_strict has no float16.*'cpu'"):
        dev.half()


def test_histogram_counts_on_the_host_and_says_so():
    cpu, dev = _pair()
    with pytest.raises(gg.DeviceError, match="histogram: .*'array_api_strict:device1'.*"
                       "t.cpu\\(\\)"):
        gg.histogram(dev, bins=3)
    hist, _ = gg.histogram(dev.cpu(), bins=3)  # the fix
    np.testing.assert_array_equal(hist.data, gg.histogram(cpu, bins=3).hist.data)


def test_random_draws_with_device_parameters_land_on_that_device():
    cpu, dev = _pair()
    for name, draw in (("multinomial", lambda t: gg.multinomial(t.abs(), 4, replacement=True)),
                       ("normal", lambda t: gg.normal(t, 0.5)),
                       ("uniform", lambda t: gg.uniform(t, t.abs() + 5.0))):
        gg.manual_seed(3)
        want = draw(cpu)
        gg.manual_seed(3)
        got = draw(dev)
        assert got.device == DEVICE, name
        assert got.dtype == want.dtype, name
        np.testing.assert_array_equal(gg.backend.to_host(got.data), want.data, err_msg=name)
