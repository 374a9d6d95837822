"""numpy's indexing, and the structural ops built on it, on another array library.

``autograd/array_index.py`` translates a numpy index for libraries that implement only the
array API standard; array-api-strict enforces the standard, and its ``device1`` refuses any
silent copy to numpy. Every case is checked against numpy itself: the gathered values, the
scattered gradient (``np.add.at``), in-place adds and assignments. Then the shims of
``backend`` these ops use, and the structural ops end to end, forward and gradient.
"""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad.autograd import array_index, backend
from graphgrad.autograd.errors import DeviceError
from graphgrad.autograd.ops import padding

xp = pytest.importorskip("array_api_strict")

DEVICES = ["CPU_DEVICE", "device1", "no_float64"]
I = np.array  # noqa: E741 - short for the index table
X = np.arange(60.0).reshape(3, 4, 5) - 17.0
INDICES = {  # name: numpy index of X
    "int": np.s_[1], "two ints": np.s_[1, -2], "slice": np.s_[:, 1:4:2], "ellipsis": np.s_[..., 1],
    "new axes": np.s_[None, :, None], "reversed": np.s_[::-1, 1:3], "empty tuple": np.s_[()],
    "int array": np.s_[I([0, 2, 0])], "array after slice": np.s_[:, I([1, 1, 3])],
    "array after ellipsis": np.s_[..., I([4, 0, 4])], "two arrays": np.s_[I([0, 1]), I([1, 2])],
    "arrays apart": np.s_[I([0, 1]), :, I([1, 2])], "int and array apart": np.s_[1, :, I([0, 2])],
    "int and array together": np.s_[:, 1, I([0, 2])], "2-d array": np.s_[I([[0, 1], [2, 2]])],
    "array between new axes": np.s_[None, I([0, 1]), None],
    "arrays apart by new axis": np.s_[I([0, 1]), None, I([1, 2])],
    "mask": np.s_[I([True, False, True])],
    "mask after slice": np.s_[:, I([True, False, True, True])],
    "full mask": np.s_[X > 0], "2-d mask": np.s_[X[:, :, 0] > 0],
    "negative array": np.s_[I([-1, 0]), 1:, -2], "list": np.s_[[0, 0]],
    "broadcast arrays": np.s_[I([[0], [1]]), I([[1, 2]])],
    "int, ellipsis, array": np.s_[2, ..., I([3, 3])],
    "empty array": np.s_[I([], dtype=np.int64)],
}


def on(device, array):
    return xp.asarray(array, device=xp.Device(device))


def host(array):
    return backend.to_host(array)


def in_dtype(device):
    """The float dtype the device holds (no_float64 has no float64)."""
    return np.float32 if device == "no_float64" else np.float64


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", INDICES)
def test_getitem_and_its_gradient_match_numpy(name, device):
    index, x = INDICES[name], X.astype(in_dtype(device))
    out, key = array_index.getitem(on(device, x), index)
    assert out.device == xp.Device(device)
    np.testing.assert_array_equal(host(out), x[index])
    grad = np.random.default_rng(0).standard_normal(x[index].shape).astype(x.dtype)
    expected = np.zeros_like(x)
    np.add.at(expected, index, grad)
    scattered = array_index.scatter(on(device, grad), key, x.shape)
    np.testing.assert_allclose(host(scattered), expected, rtol=1e-6)
    added = array_index.index_add(on(device, np.ones_like(x)), index, on(device, grad))
    np.testing.assert_allclose(host(added), expected + 1, rtol=1e-6)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", INDICES)
def test_setitem_keeps_the_last_write_in_row_major_order(name, device):
    index, x = INDICES[name], X.astype(in_dtype(device))
    values = np.arange(x[index].size, dtype=x.dtype).reshape(x[index].shape) + 100
    # the reference: each write in row-major order, so a repeated position keeps the last
    positions = np.arange(x.size).reshape(x.shape)[index].reshape(-1)
    expected = x.reshape(-1).copy()
    for position, value in zip(positions, values.reshape(-1)):
        expected[position] = value
    out = array_index.setitem(on(device, x), index, on(device, values))
    np.testing.assert_array_equal(host(out), expected.reshape(x.shape))
    numbers = array_index.setitem(on(device, x), index, 7)  # a number broadcasts
    expected = x.copy()
    expected[index] = 7
    np.testing.assert_array_equal(host(numbers), expected)


def test_numpy_arrays_take_numpy_s_own_path():
    x = X.copy()
    out, key = array_index.getitem(x, np.s_[I([0, 0]), 1:])
    assert key[0] is not None and out.base is None  # numpy's fancy indexing, unchanged
    np.testing.assert_array_equal(out, X[[0, 0], 1:])
    assert array_index.setitem(x, (0,), 5.0) is x and (x[0] == 5).all()


@pytest.mark.parametrize("index, error", [
    ((I([5]),), IndexError), ((0, 0, 0, 0), IndexError), ((np.True_,), DeviceError),
    ((I([0.5]),), IndexError), ((I([True, False]),), IndexError), ((..., 1, ...), IndexError)])
def test_bad_indices_raise_before_any_copy(index, error):
    with pytest.raises(error, match="getitem"):
        array_index.getitem(on("device1", X), index)


def test_last_writes_and_mark_follow_the_repeats():
    index = I([0, 3, 0, 1, 3])
    for like in (np.zeros(1), on("device1", np.zeros(1))):
        np.testing.assert_array_equal(host(array_index.last_writes(index, (4,), like)),
                                      [False, False, True, True, True])
        np.testing.assert_array_equal(host(array_index.mark((5,), index, like)),
                                      [True, True, False, True, False])


@pytest.mark.parametrize("name", ["maximum", "minimum", "logaddexp"])
@pytest.mark.parametrize("length", [1, 2, 5, 8, 9])
def test_accumulate_matches_numpy_s_ufunc_accumulate(name, length):
    data = np.random.default_rng(length).standard_normal((3, length, 2)) * 30
    data[1, length // 2, 0] = np.nan
    for axis in range(3):
        with np.errstate(invalid="ignore"):  # logaddexp of NaN: NaN, as it should
            expected = getattr(np, name).accumulate(data, axis=axis)
            got = backend.accumulate(name, on("device1", data), axis)
            np.testing.assert_array_equal(backend.accumulate(name, data, axis), expected)
        np.testing.assert_allclose(host(got), expected, rtol=1e-12)


@pytest.mark.parametrize("geometry", [((2, 2), (1, 1), (1, 1)), ((3, 2), (2, 1), (1, 2)),
                                      ((1, 1), (3, 3), (1, 1))])
def test_sliding_windows_match_numpy_s_strided_view(geometry):
    kernel, stride, dilation = geometry
    x = np.random.default_rng(1).standard_normal((2, 3, 7, 8))
    hw = tuple((n - d * (k - 1) - 1) // s + 1 for n, k, s, d in zip((7, 8), kernel, stride,
                                                                    dilation))
    view = backend.sliding_windows(x, kernel, stride, dilation, hw)
    assert not view.flags.writeable and np.shares_memory(view, x)
    copied = backend.sliding_windows(on("device1", x), kernel, stride, dilation, hw)
    np.testing.assert_array_equal(host(copied), view)


@pytest.mark.parametrize("mode", ["reflect", "edge", "wrap"])
def test_pad_source_positions_match_numpy_pad(mode):
    for n in range(1, 6):
        for before in range(0, 12):
            for after in range(0, 12, 3):
                expected = np.pad(np.arange(n), (before, after), mode=mode).tolist()
                assert padding._source(mode, n, before, after) == expected


# ------------------------------------------------------------------ the ops end to end
RNG = np.random.default_rng(7)
OPS = {  # name: (function of a (3, 4) tensor, differentiable)
    "sum": (lambda x: x.sum(axis=1), True), "mean": (lambda x: x.mean(axis=0), True),
    "max ties": (lambda x: (x * 0 + 1).max(axis=1) + x.max(axis=(0, 1)), True),
    "max dim": (lambda x: x.max(dim=1).values, True),
    "logsumexp": (lambda x: x.logsumexp(axis=1), True),
    "reshape": (lambda x: x.reshape(2, 6).T, True),
    "broadcast": (lambda x: x[:, None, :].broadcast_to((3, 2, 4)), True),
    "fancy getitem": (lambda x: x[I([2, 0, 2]), 1:], True),
    "mask getitem": (lambda x: x[x > 0], True),
    "concatenate": (lambda x: gg.concatenate([x, x[:1]], axis=0), True),
    "split": (lambda x: x.split(2, axis=1)[1], True),
    "pad": (lambda x: gg.pad(x, ((1, 0), (0, 2))), True),
    "argsort": (lambda x: gg.argsort(x, descending=True), False),
    "sort": (lambda x: gg.sort(x, axis=0).values, True),
    "topk": (lambda x: gg.topk(x, 2).values, True),
    "median": (lambda x: gg.median(x, dim=1).values, True),
    "cumsum": (lambda x: gg.cumsum(x, axis=1), True),
    "cumsum axis 0": (lambda x: gg.cumsum(x, axis=0), True),
    "logcumsumexp": (lambda x: gg.logcumsumexp(x, axis=1), True),
    "cummax": (lambda x: gg.cummax(x, axis=1).values, True),
    "cummin indices": (lambda x: gg.cummin(x, axis=0).indices, False),
    "roll": (lambda x: gg.roll(x, 1, axis=1), True), "tile": (lambda x: gg.tile(x, (2, 1)), True),
    "repeat_interleave": (lambda x: gg.repeat_interleave(x, [1, 0, 2], dim=0), True),
    "diagonal": (lambda x: gg.diagonal(x, 1), True), "diag": (lambda x: gg.diag(x[0], 1), True),
    "gather": (lambda x: gg.gather(x, 1, I([[0, 0], [1, 3], [2, 2]])), True),
    "index_select": (lambda x: gg.index_select(x, 1, I([3, 0, 3])), True),
    "index_add": (lambda x: gg.index_add(x, 0, I([2, 2]), x[:2] * 2), True),
    "scatter_add": (lambda x: gg.scatter_add(x, 1, I([[0, 0], [1, 3], [2, 2]]), x[:, :2]), True),
    "masked_select": (lambda x: gg.masked_select(x, I([[True], [False], [True]])), True),
    "nonzero": (lambda x: gg.nonzero(x > 0), False),
    "one_hot": (lambda x: gg.one_hot(gg.argmax(x, axis=1), 4), False),
    "reflect pad": (lambda x: gg.pad(x, ((1, 2), (2, -1)), mode="reflect"), True),
    "unfold": (lambda x: gg.unfold(x.reshape(1, 1, 3, 4), 2, padding=1), True),
    "fold": (lambda x: gg.fold(x[:2].reshape(1, 2, 4), (2, 4), (1, 2), stride=(1, 2)), True),
    "astype int": (lambda x: (x * 3).astype(np.int64), False),
}


@pytest.mark.parametrize("device", ["device1", "no_float64"])
@pytest.mark.parametrize("name", OPS)
def test_structural_op_on_array_api_strict_matches_numpy(name, device):
    fn, differentiable = OPS[name]
    x = gg.tensor(RNG.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    moved = x.detach().to(f"array_api_strict:{device}").requires_grad_()
    expected, got = fn(x), fn(moved)
    assert got.device == moved.device and got.shape == expected.shape
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(host(got.data), expected.data, rtol=1e-6)
    if differentiable:
        grad = RNG.standard_normal(expected.shape).astype(np.float32)
        expected.backward(gg.tensor(grad))
        got.backward(gg.tensor(grad).to(moved.device))
        np.testing.assert_allclose(host(moved.grad.data), x.grad.data, rtol=1e-6, atol=1e-6)


def test_new_tensors_are_made_on_the_tensor_s_device():
    x = gg.ones(2, dtype=np.float32).to("array_api_strict:device1")
    for made in (x.new_zeros(2, 3), x.new_ones((1,)), x.new_full((2,), 7.0)):
        assert made.device == x.device and made.dtype == np.float32
    assert x.new_zeros(2, device="cpu").device == gg.device("cpu")
    np.testing.assert_array_equal(host(x.new_full((2,), 7.0).data), [7.0, 7.0])


def test_setitem_on_a_tensor_of_another_device():
    x = gg.zeros((3, 4)).to("array_api_strict:device1")
    x[I([0, 2]), 1:3] = 1.0
    x[x > 0.5] = 2.0
    expected = np.zeros((3, 4), np.float32)
    expected[[0, 2], 1:3] = 2.0
    np.testing.assert_array_equal(host(x.data), expected)
