"""The seam functions for linear algebra and windows (backend/windows.py), checked against numpy on
array-api-strict's second device: einsum without a native einsum (pairwise matmul), the
sliding windows without strided views, and the matrix transpose."""
import numpy as np
import pytest

from graphgrad.autograd import array_index, backend

xps = pytest.importorskip("array_api_strict")
DEVICE = xps.Device("device1")

EINSUM_CASES = [
    ("ij,jk", "ik", [(2, 3), (3, 4)]),
    ("ij,jk", "ki", [(2, 3), (3, 4)]),
    ("ii", "i", [(3, 3)]),
    ("ii", "", [(3, 3)]),
    ("iji", "j", [(2, 3, 2)]),
    ("iij,jk", "ik", [(3, 3, 2), (2, 4)]),
    ("bij,bjk", "bik", [(5, 2, 3), (5, 3, 4)]),
    ("bij,bjk", "bik", [(1, 2, 3), (5, 3, 4)]),       # a batch axis broadcast
    ("i,j", "ij", [(3,), (4,)]),
    ("ij", "", [(3, 4)]),
    ("ij,ij,ij", "i", [(2, 3), (2, 3), (1, 3)]),
    ("i,i", "", [(1,), (4,)]),                        # a summed axis broadcast
    ("abc,cd,a", "bd", [(2, 3, 4), (4, 5), (2,)]),
    ("ij,jk,kl", "il", [(2, 0), (0, 3), (3, 2)]),     # an empty contraction
    ("ab,ab", "ab", [(1, 3), (4, 1)]),
    ("ij,k", "ijk", [(2, 3), (4,)]),
    ("ijk,ikj", "i", [(2, 3, 4), (2, 4, 3)]),
]


def _host(array):
    return np.asarray(xps.asarray(array, device=xps.Device("CPU_DEVICE")))


@pytest.mark.parametrize("terms, output, shapes", EINSUM_CASES)
def test_einsum_by_matmul_matches_numpy(terms, output, shapes):
    rng = np.random.default_rng(0)
    operands = [rng.normal(size=shape) for shape in shapes]
    expected = np.einsum(terms + "->" + output, *operands)
    got = backend.einsum(terms.split(","), output,
                         *(xps.asarray(v, device=DEVICE) for v in operands))
    assert got.device == DEVICE
    np.testing.assert_allclose(_host(got), expected, rtol=1e-12, atol=1e-12)
    assert _host(got).shape == expected.shape


@pytest.mark.parametrize("kernel, stride, dilation", [((2, 2), (1, 1), (1, 1)),
                                                      ((3, 2), (2, 1), (1, 2)),
                                                      ((1, 1), (3, 2), (1, 1))])
def test_sliding_windows_by_slices_match_the_strided_view(kernel, stride, dilation):
    x = np.arange(2 * 3 * 7 * 6, dtype=np.float64).reshape(2, 3, 7, 6)
    hw = tuple((n - d * (k - 1) - 1) // s + 1
               for n, k, s, d in zip(x.shape[2:], kernel, stride, dilation))
    view = backend.sliding_windows(x, kernel, stride, dilation, hw)
    # every window element by its definition
    n, c, i, j, a, b = np.indices(view.shape)
    np.testing.assert_array_equal(
        view, x[n, c, i * stride[0] + a * dilation[0], j * stride[1] + b * dilation[1]])
    got = backend.sliding_windows(xps.asarray(x, device=DEVICE), kernel, stride, dilation, hw)
    np.testing.assert_array_equal(_host(got), view)


def test_matrix_transpose_on_both_backends():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(backend.matrix_transpose(x), np.swapaxes(x, -1, -2))
    got = backend.matrix_transpose(xps.asarray(x, device=DEVICE))
    np.testing.assert_array_equal(_host(got), np.swapaxes(x, -1, -2))


@pytest.mark.parametrize("index, values", [([4, 1, 4, 0], [9.0, 8.0, 9.0, 7.0]),
                                           ([5, 5, 2], [-1.0, -1.0, 3.0]),
                                           ([0, 1, 2, 3, 4, 5], [6.0, 5.0, 4.0, 3.0, 2.0, 1.0])])
def test_setitem_writes_repeated_indices_once_on_both_backends(index, values):
    target = np.arange(6.0)
    index, values = np.array(index), np.array(values)
    expected = target.copy()
    expected[index] = values
    np.testing.assert_array_equal(array_index.setitem(target.copy(), index, values), expected)
    got = array_index.setitem(xps.asarray(target, device=DEVICE),
                              xps.asarray(index, device=DEVICE), xps.asarray(values, device=DEVICE))
    np.testing.assert_array_equal(_host(got), expected)
    empty = xps.asarray(np.zeros(0, dtype=np.int64), device=DEVICE)
    np.testing.assert_array_equal(
        _host(array_index.setitem(xps.asarray(target, device=DEVICE), empty, 1.0)), target)


def test_maximum_into_and_contiguous_on_both_backends():
    a, b = np.array([1.0, 5.0, -np.inf]), np.array([3.0, 2.0, -1.0])
    out = a.copy()
    assert backend.maximum_into(out, b) is out  # numpy writes in place
    np.testing.assert_array_equal(out, [3.0, 5.0, -1.0])
    got = backend.maximum_into(xps.asarray(a, device=DEVICE), xps.asarray(b, device=DEVICE))
    np.testing.assert_array_equal(_host(got), [3.0, 5.0, -1.0])
    view = np.arange(6.0).reshape(2, 3).T
    assert backend.contiguous(view).flags.c_contiguous
    np.testing.assert_array_equal(backend.contiguous(view), view)
    strict = xps.asarray(view, device=DEVICE)
    np.testing.assert_array_equal(_host(backend.contiguous(strict)), view)


def test_add_at_columns_adds_one_entry_per_row_on_both_backends():
    target = np.arange(12.0).reshape(4, 3)
    columns, values = np.array([2, 0, 0, 1]), np.array([1.5, -2.0, 0.25, 8.0])
    expected = target.copy()
    expected[np.arange(4), columns] += values
    np.testing.assert_array_equal(backend.add_at_columns(target.copy(), columns, values),
                                  expected)
    got = backend.add_at_columns(*(xps.asarray(v, device=DEVICE)
                                   for v in (target, columns, values)))
    np.testing.assert_array_equal(_host(got), expected)


def test_ops_refuse_constants_from_another_device():
    import graphgrad as gg
    from graphgrad import nn
    from graphgrad.autograd.errors import DeviceError

    logits = gg.tensor(np.zeros((2, 3))).to("array_api_strict:device1")
    labels = gg.tensor(np.array([0, 2])).to("array_api_strict:device1")
    F = nn.functional
    with pytest.raises(DeviceError, match="cross_entropy"):
        F.cross_entropy(logits, labels, weight=np.ones(3))
    # a host target next to a device input: an error naming the op, not a silent copy
    for loss, target in [(F.cross_entropy, np.array([0, 2])), (F.nll_loss, np.array([0, 2])),
                         (F.binary_cross_entropy, np.zeros((2, 3))),
                         (F.binary_cross_entropy_with_logits, np.zeros((2, 3)))]:
        with pytest.raises(DeviceError, match=loss.__name__):
            loss(logits, target)
    x = gg.tensor(np.zeros((1, 1, 2, 2))).to("array_api_strict:device1")
    with pytest.raises(DeviceError, match="max_unpool2d"):
        gg.max_unpool2d(x, np.zeros((1, 1, 2, 2), dtype=np.int64), 2)


def test_dtype_kind_never_compares_a_strict_dtype_with_a_numpy_one():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # strict warns when its dtypes meet numpy's in ==
        kinds = [backend.dtype_kind(d) for d in (xps.float32, xps.int64, xps.bool,
                                                 np.dtype("float32"), np.dtype("int64"),
                                                 np.bool_, np.int64, xps.float32)]
    assert kinds == ["f", "i", "b", "f", "i", "b", "i", "f"]


@pytest.mark.parametrize("name, w_shape", [("conv2d", (2, 2, 3, 3)),
                                           ("conv2d_groups", (4, 1, 3, 2)),
                                           ("conv_transpose2d", (2, 3, 3, 3)),
                                           ("max_pool2d", None)])
def test_windowed_ops_on_device1_match_numpy(name, w_shape):
    """Forward and first gradients through im2col/col2im/slabs on array-api-strict's device1
    (which refuses any silent conversion to numpy) equal numpy's."""
    import graphgrad as gg
    op = {"conv2d": lambda x, w: gg.conv2d(x, w, padding=1, stride=2),
          "conv2d_groups": lambda x, w: gg.conv2d(x, w, groups=2, dilation=2),
          "conv_transpose2d": lambda x, w: gg.conv_transpose2d(x, w, stride=2, output_padding=1),
          "max_pool2d": lambda x: gg.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)}[name]
    rng = np.random.default_rng(0)
    inputs = [rng.normal(size=(2, 2, 7, 6))] + ([rng.normal(size=w_shape)] if w_shape else [])
    results = []
    for device in ("cpu", "array_api_strict:device1"):
        xs = [gg.tensor(v).to(device) for v in inputs]
        for t in xs:
            t.requires_grad_(True)
        out = op(*xs)
        upstream = gg.tensor(rng.normal(size=out.shape) if not results else results[0][1])
        grads = gg.grad(out, xs, grad_outputs=upstream.to(device))
        results.append((backend.to_host(out.data), backend.to_host(upstream.data),
                        [backend.to_host(g.data) for g in grads]))
    (out_np, _, grads_np), (out_dev, _, grads_dev) = results
    np.testing.assert_allclose(out_dev, out_np, rtol=1e-12, atol=1e-12)
    for got, expected in zip(grads_dev, grads_np):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
