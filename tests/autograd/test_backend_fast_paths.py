"""numpy-only fast paths of the backend seam, each pinned to the plain array API call it
replaces: same values bit for bit (signs of zero, infinities and NaNs included), and the
plain call taken wherever the fast path does not apply."""
import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad.autograd import backend
from graphgrad.autograd.backend import buffers


def _bits(array):
    """The raw bytes of an array: equal bits, not just equal numbers (-0.0 != 0.0 here)."""
    array = np.ascontiguousarray(array)
    return array.dtype, array.shape, array.tobytes()


def _special_values(shape, dtype, seed):
    """Random values of ``shape`` with +-inf, NaN and -0.0 planted, and a random mask."""
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(shape).astype(dtype)
    flat = values.reshape(-1)
    for k, special in enumerate([np.inf, -np.inf, np.nan, -0.0, 0.0][:flat.size]):
        flat[(7 * k) % flat.size] = special
    return values, rng.random(shape) < 0.5


MASKED_CASES = [  # (shape, dtype, take a non-contiguous view of a larger array)
    ((64, 8, 13, 13), np.float32, False),
    ((64, 8, 13, 13), np.float64, False),
    ((5, 7), np.float16, False),
    ((3, 1, 4), np.float32, True),
    ((1,), np.float64, False),
    ((6, 5), np.float64, True),
]


@pytest.mark.parametrize("shape, dtype, strided", MASKED_CASES)
def test_masked_is_where_bit_for_bit(shape, dtype, strided):
    values, mask = _special_values(shape, dtype, seed=len(shape))
    if strided:  # a transposed view with a step: strides numpy's view must keep
        big = np.repeat(values, 2, axis=-1)
        values = np.swapaxes(np.swapaxes(big, 0, -1)[::2], 0, -1)
    got = backend.masked(mask, values)
    assert _bits(got) == _bits(np.where(mask, values, 0))
    assert got.flags.writeable


@pytest.mark.parametrize("mask, values", [
    (np.array(True), np.array(-0.0)),                              # 0-d: where's 0-d array
    (np.array([[True], [False]]), np.array([[np.inf, -2.0, 3.0]])),  # broadcasting
    (np.array([True, False]), np.array([3, -4])),                  # integers
    (np.array([True, False]), np.array([1 + 2j, np.inf])),         # complex
])
def test_masked_falls_back_to_where(mask, values):
    got = backend.masked(mask, values)
    want = np.where(mask, values, 0)
    assert type(got) is type(want) and _bits(got) == _bits(want)


def test_masked_on_array_api_strict_is_its_where():
    xps = pytest.importorskip("array_api_strict")
    values, mask = _special_values((4, 5), np.float64, seed=3)
    got = backend.masked(xps.asarray(mask), xps.asarray(values))
    assert _bits(np.asarray(got)) == _bits(np.where(mask, values, 0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_and_max_pool_gradients_stay_zero_under_an_infinite_gradient(dtype):
    """The select, not a product: inf * 0 would put NaN where the mask is off."""
    x = ag.tensor(np.array([[[[-1.0, 2.0], [3.0, -4.0]]]], dtype=dtype), requires_grad=True)
    upstream = np.full((1, 1, 2, 2), np.inf, dtype=dtype)
    ag.relu(x).backward(ag.tensor(upstream))
    assert _bits(x.grad.data) == _bits(np.where(x.data > 0, upstream, 0))
    x.grad = None
    ag.max_pool2d(x, 2).backward(ag.tensor(np.full((1, 1, 1, 1), np.inf, dtype=dtype)))
    assert _bits(x.grad.data) == _bits(np.array([[[[0, 0], [np.inf, 0]]]], dtype=dtype))


def test_set_masked_writes_where_into_the_indexed_view():
    values, mask = _special_values((6, 4), np.float32, seed=4)
    target = np.full((13, 9), 7.0, dtype=np.float32)
    index = (slice(1, 13, 2), slice(0, 8, 2))
    want = target.copy()
    want[index] = np.where(mask, values, 0)
    assert _bits(backend.set_masked(target, index, mask, values)) == _bits(want)
    xps = pytest.importorskip("array_api_strict")  # the plain assignment elsewhere
    strict = backend.set_masked(xps.asarray(np.full((13, 9), 7.0, dtype=np.float32)), index,
                                xps.asarray(mask), xps.asarray(values))
    assert _bits(np.asarray(strict)) == _bits(want)


def _naive_max_pool_grad(x, weights, kernel, stride, padding, dilation):
    """Each window's weight added at its first maximum in row-major order (padding: -inf)."""
    grad = np.zeros_like(x)
    n, c, ho, wo = weights.shape
    for b, ch, i, j in np.ndindex(n, c, ho, wo):
        best = None
        for a, e in np.ndindex(*kernel):
            r = i * stride[0] + a * dilation[0] - padding[0]
            s = j * stride[1] + e * dilation[1] - padding[1]
            inside = 0 <= r < x.shape[2] and 0 <= s < x.shape[3]
            value = x[b, ch, r, s] if inside else -np.inf
            if best is None or value > best[0]:
                best = (value, (r, s) if inside else None)
        if best[1] is not None:
            grad[b, ch][best[1]] += weights[b, ch, i, j]
    return grad


@pytest.mark.parametrize("geometry", [
    dict(kernel_size=2, stride=2, padding=0, dilation=1),          # disjoint: written
    dict(kernel_size=(2, 3), stride=(2, 3), padding=(1, 1), dilation=1),
    dict(kernel_size=2, stride=3, padding=1, dilation=2),
    dict(kernel_size=2, stride=1, padding=0, dilation=1),          # overlapping: added
    dict(kernel_size=3, stride=2, padding=1, dilation=1),
])
def test_max_pool_gradient_with_ties_is_the_loop_reference(geometry):
    """Disjoint windows take the written path, overlapping ones the added one: both must
    send each window's gradient to its first maximum (ties everywhere: small integers)."""
    rng = np.random.default_rng(11)
    data = rng.integers(0, 3, size=(2, 3, 7, 8)).astype(np.float64)
    x = ag.tensor(data, requires_grad=True)
    out = ag.max_pool2d(x, **geometry)
    weights = rng.standard_normal(out.shape)
    (out * ag.tensor(weights)).sum().backward()
    pair = [(v, v) if isinstance(v, int) else v for v in
            (geometry["kernel_size"], geometry["stride"], geometry["padding"],
             geometry["dilation"])]
    # NOTE: overlapping windows add in another order than the loop: equal to rounding
    np.testing.assert_allclose(x.grad.data, _naive_max_pool_grad(data, weights, *pair),
                               rtol=0, atol=1e-12)


@pytest.fixture
def pool_everything(monkeypatch):
    """Recycle arrays of any size (so small float64 cases go through the pool), from empty."""
    monkeypatch.setattr(buffers, "_REUSABLE_MIN_BYTES", 0)
    backend.release_reusable()
    yield
    backend.release_reusable()


def test_reusable_empty_hands_out_only_buffers_nothing_references(pool_everything):
    like = np.zeros(1)
    first = backend.reusable_empty((3, 4), np.float64, like)
    assert backend.reusable_empty((3, 4), np.float64, like) is not first  # still held
    view = first[1:]
    address = first.ctypes.data
    del first
    assert backend.reusable_empty((3, 4), np.float64, like).ctypes.data != address  # a view
    del view
    again = backend.reusable_empty((3, 4), np.float64, like)
    assert again.ctypes.data == address and again.flags.writeable
    assert backend.reusable_empty((3, 4), np.float32, like).dtype == np.float32  # own pool


def test_reusable_empty_skips_read_only_and_small_buffers(monkeypatch):
    backend.release_reusable()
    like = np.zeros(1)
    small = backend.reusable_empty((4,), np.float64, like)
    address = small.ctypes.data
    del small
    assert not buffers._REUSABLE  # below the size floor: plain np.empty, never kept
    monkeypatch.setattr(buffers, "_REUSABLE_MIN_BYTES", 0)
    locked = backend.reusable_empty((4,), np.float64, like)
    address = locked.ctypes.data
    locked.setflags(write=False)
    del locked
    assert backend.reusable_empty((4,), np.float64, like).ctypes.data != address
    backend.release_reusable()


def test_reusable_empty_keeps_a_bounded_number_of_bytes(monkeypatch):
    monkeypatch.setattr(buffers, "_REUSABLE_MIN_BYTES", 0)
    monkeypatch.setattr(buffers, "_REUSABLE_MAX_BYTES", 1000)
    backend.release_reusable()
    like = np.zeros(1)
    for n in range(1, 40):
        backend.reusable_empty((n,), np.float64, like)
    assert sum(b.nbytes for pool in buffers._REUSABLE.values() for b in pool) <= 1000
    assert ((39,), np.dtype(np.float64)) in buffers._REUSABLE  # the newest shape kept
    backend.release_reusable()


def test_reusable_empty_elsewhere_is_the_librarys_empty():
    xps = pytest.importorskip("array_api_strict")
    like = xps.asarray([1.0], device=xps.Device("device1"))
    out = backend.reusable_empty((600, 600), xps.float64, like)
    assert type(out) is type(like) and out.device == like.device and out.shape == (600, 600)
