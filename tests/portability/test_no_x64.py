"""Index arrays on a device without 64-bit integers (array-api-strict's ``no_x64``).

Indices an op computes or builds take the device's index dtype
(``backend.index_dtype``: int64 on numpy and strict's other devices, int32 on ``no_x64``);
host (numpy) index arrays are converted to it, refusing values it cannot hold. What
cannot run there is listed, with its reason, in ``not_portable.txt``.
"""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad.autograd import backend

xps = pytest.importorskip("array_api_strict")

NO_X64 = "array_api_strict:no_x64"


def _host(t):
    return backend.to_host(t.data)


@pytest.mark.parametrize("device, expected", [("cpu", "int64"), ("array_api_strict", "int64"),
                                              (NO_X64, "int32")])
def test_computed_indices_take_the_device_index_dtype(device, expected):
    x = gg.tensor(np.array([[1.0, 3.0], [2.0, 0.5]], dtype=np.float32), device=device)
    values, indices = gg.cummax(x, dim=0)
    assert indices.dtype == np.dtype(expected)
    np.testing.assert_array_equal(_host(indices), [[0, 0], [1, 0]])
    hot = gg.one_hot(gg.tensor(np.array([2, 0], dtype=expected), device=device), 3)
    assert hot.dtype == np.dtype(expected)
    np.testing.assert_array_equal(_host(hot), [[0, 0, 1], [1, 0, 0]])


def test_host_int64_indices_index_a_no_x64_tensor():
    data = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    x = gg.tensor(data, requires_grad=True, device=NO_X64)
    rows = np.array([2, 0, 2])  # int64 on the host
    y = x[rows]
    np.testing.assert_array_equal(_host(y), data[rows])
    picked = gg.gather(x, 1, np.array([[3], [0], [1]]))
    np.testing.assert_array_equal(_host(picked), [[3.0], [4.0], [9.0]])
    (y.sum() + picked.sum()).backward()
    expected = np.zeros_like(data)
    np.add.at(expected, rows, 1.0)
    expected[[0, 1, 2], [3, 0, 1]] += 1.0
    np.testing.assert_array_equal(_host(x.grad), expected)


def test_a_host_index_beyond_int32_raises_instead_of_wrapping():
    x = gg.tensor(np.arange(4.0, dtype=np.float32), device=NO_X64)
    # 2**32 - 1 would wrap to -1, the last element: a silent wrong pick
    with pytest.raises(IndexError, match="out of range for the device's int32 indices"):
        x[np.array([0, 2**32 - 1])]


def test_index_dtype_is_the_library_default_on_each_device():
    assert backend.index_dtype(np, "cpu") == np.dtype(np.int64)
    assert backend.index_dtype(xps, xps.Device("CPU_DEVICE")) == xps.int64
    assert backend.index_dtype(xps, xps.Device("no_x64")) == xps.int32
