"""PyTorch's names for Tensor methods, functions, dtypes and devices, checked against torch.

Gradients of the methods that are ops (``pow clamp view_as t expand_as``) and the
float-with-integer promotion are rows of ``op_specs.py``.
"""
import importlib.util
import warnings

import numpy as np
import pytest

import graphgrad as gg
import graphgrad.autograd as ag


def test_size_is_numpys_count_and_pytorchs_call():
    x = ag.zeros(2, 3, 4)
    assert x.size == 24 and isinstance(x.size, int) and x.size + 1 == 25
    assert x.size() == (2, 3, 4) and x.size(0) == 2 and x.size(-1) == 4
    assert x.numel() == 24 and x.dim() == 3
    assert np.zeros(x.size).shape == (24,)
    with pytest.raises(IndexError, match="out of range"):
        x.size(3)


def test_format_of_a_0d_tensor_formats_its_value():
    loss = ag.tensor(0.123456, dtype=np.float64)
    assert f"{loss:.3f}" == "0.123" and f"{loss:>8.2e}" == "1.23e-01"
    assert f"{loss}" == str(loss)
    with pytest.raises(TypeError, match="0-d"):
        f"{ag.ones(2):.3f}"


def test_conversion_methods_match_torch():
    torch = pytest.importorskip("torch")
    data = np.array([[1.7, -2.2], [0.0, 3.5]])
    x, t = ag.tensor(data), torch.tensor(data)
    for name in ("long", "int", "float", "double", "half", "bool"):
        ours, theirs = getattr(x, name)(), getattr(t, name)()
        assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", ""))
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    np.testing.assert_array_equal(x.eq(x.t()).data, t.eq(t.t()).numpy())
    np.testing.assert_array_equal(x.ne(1.7).data, t.ne(1.7).numpy())
    np.testing.assert_array_equal(x.new_zeros(3, 2).data, t.new_zeros(3, 2).numpy())
    np.testing.assert_array_equal(x.new_ones((2,)).data, t.new_ones((2,)).numpy())
    assert x.new_zeros(2).dtype == np.float64 and x.new_ones(2, dtype=gg.int64).dtype == np.int64
    np.testing.assert_array_equal(x.new_full((2, 2), 7.0).data, t.new_full((2, 2), 7.0).numpy())
    np.testing.assert_array_equal(x.clamp(min=0.0).data, t.clamp(min=0.0).numpy())
    assert x.contiguous() is x and x.cpu() is x and not x.is_cuda
    assert x.type() == "graphgrad.DoubleTensor" and x.float().type() == "graphgrad.FloatTensor"
    assert x.type(gg.float32).dtype == np.float32
    assert x.type("torch.LongTensor").dtype == np.int64
    assert x.is_floating_point() and not x.long().is_floating_point()
    with pytest.raises(ag.ShapeError, match="at most 2 axes"):
        ag.zeros(2, 2, 2).t()


def test_to_takes_dtypes_devices_and_tensors():
    x = ag.ones(2)
    assert x.to("cpu") is x and x.to(gg.device("cpu")) is x and x.to(device="cpu:0") is x
    assert x.to(gg.float64).dtype == np.float64
    assert x.to("cpu", gg.float64).dtype == np.float64
    assert x.to(dtype=np.float16).dtype == np.float16
    assert x.to(ag.zeros(1, dtype=np.float64)).dtype == np.float64
    copied = x.to("cpu", copy=True)
    assert copied is not x and copied.data is not x.data
    assert x.device == "cpu" and str(x.device) == "cpu"
    if importlib.util.find_spec("cupy") is None:  # without CuPy, CUDA is named as missing
        for bad in ("cuda", "cuda:0"):
            with pytest.raises(ag.DeviceError, match="needs cupy.*graphgrad\\[gpu\\]"):
                x.to(bad)
    with pytest.raises(ag.DeviceError, match="not available"):
        x.to("mps")
    with pytest.raises(ag.DeviceError, match="not a device"):
        gg.device("gpu")
    with pytest.raises(ag.DtypeError):
        x.to(object)


def test_device_keyword_on_creation_functions():
    assert gg.zeros(2, device="cpu").shape == (2,)
    assert gg.tensor([1.0], device=gg.device("cpu")).shape == (1,)
    for make in (lambda: gg.ones(2, device="mps"), lambda: gg.randn(2, device="mps"),
                 lambda: gg.arange(3, device="mps"), lambda: gg.tensor(1.0, device="mps")):
        with pytest.raises(ag.DeviceError, match="mps"):
            make()


def test_dtype_names_are_numpys_types():
    assert gg.float32 is np.float32 and gg.float64 is gg.double is np.float64
    assert gg.int64 is gg.long is np.int64 and gg.float16 is gg.half is np.float16
    assert gg.float is np.float32 and gg.int is np.int32 and gg.bool is np.bool_
    assert gg.zeros(2, dtype=gg.long).dtype == np.int64
    with pytest.raises(AttributeError):
        gg.no_such_name  # noqa: B018 - the attribute access is the test


def test_float_with_integer_tensor_stays_float_as_in_torch():
    torch = pytest.importorskip("torch")
    f32, i64 = np.ones(3, dtype=np.float32), np.arange(3)
    x, k = ag.tensor(f32), ag.tensor(i64)
    t, tk = torch.tensor(f32), torch.tensor(i64)
    pairs = [(x + k, t + tk), (k - x, tk - t), (x * k, t * tk), (x / (k + 1), t / (tk + 1)),
             (x ** k, t ** tk), (ag.maximum(x, k), torch.maximum(t, tk)),
             (ag.where(k > 0, x, k), torch.where(tk > 0, t, tk)),
             (ag.cat([x, k]), torch.cat([t, tk]))]
    for ours, theirs in pairs:
        assert ours.dtype == np.float32 and str(theirs.dtype) == "torch.float32"
        np.testing.assert_allclose(ours.data, theirs.numpy())
    y = ag.ones(3)
    y += k
    assert y.dtype == np.float32


def test_from_numpy_shares_memory_and_keeps_dtype():
    array = np.arange(3.0)
    t = gg.from_numpy(array)
    assert t.dtype == np.float64 and t.data is array
    array[1] = 9.0
    assert t.tolist() == [0.0, 9.0, 2.0]
    with pytest.raises(TypeError, match="numpy array"):
        gg.from_numpy([1.0])
    with pytest.raises(ag.DtypeError):
        gg.from_numpy(np.array(["a"]))


def test_generator_streams_are_their_own_and_repeatable():
    g = gg.Generator().manual_seed(2147483647)
    assert g.initial_seed() == 2147483647
    state = g.get_state()
    first = gg.randn(4, generator=g).tolist() + gg.rand(2, generator=g).tolist()
    gg.manual_seed(0)  # the library's stream does not touch g's
    g.set_state(state)
    assert gg.randn(4, generator=g).tolist() + gg.rand(2, generator=g).tolist() == first
    assert isinstance(g, np.random.Generator)  # works wherever numpy's is taken (nn.init)
    with pytest.raises(TypeError, match="generator="):
        gg.rand(2, generator=3)
    with pytest.raises(ValueError, match="seed"):
        gg.Generator().manual_seed(-1)


def test_multinomial_draws_follow_the_weights():
    g = gg.Generator().manual_seed(0)
    weights = gg.tensor([[1.0, 3.0, 0.0], [0.0, 0.0, 2.0]])
    draws = gg.multinomial(weights, 4000, replacement=True, generator=g)
    assert draws.shape == (2, 4000) and draws.dtype == np.int64
    share = (draws.data[0] == 1).mean()
    assert abs(share - 0.75) < 0.03 and (draws.data[1] == 2).all()
    unique = gg.multinomial(gg.ones(5), 5, generator=g).data
    assert sorted(unique.tolist()) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="nonzero weights"):
        gg.multinomial(weights, 3)
    with pytest.raises(ValueError, match="non-negative"):
        gg.multinomial(gg.tensor([-1.0, 2.0]), 1)
    a = gg.multinomial(gg.ones(10), 3, generator=gg.Generator().manual_seed(5))
    b = gg.multinomial(gg.ones(10), 3, generator=gg.Generator().manual_seed(5))
    assert a.tolist() == b.tolist()


def test_histogram_matches_torch():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(0).normal(size=200)
    weights = np.random.default_rng(1).random(200)
    cases = [dict(bins=7), dict(bins=5, range=(-1.0, 1.0)), dict(bins=4, density=True),
             dict(bins=6, weight=weights)]
    for kwargs in cases:
        ours = gg.histogram(ag.tensor(data), **{k: (ag.tensor(v) if k == "weight" else v)
                                                for k, v in kwargs.items()})
        theirs = torch.histogram(torch.tensor(data), **{
            k: (torch.tensor(v) if k == "weight" else v) for k, v in kwargs.items()})
        np.testing.assert_allclose(ours.hist.data, theirs.hist.numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours.bin_edges.data, theirs.bin_edges.numpy(), rtol=1e-12)
    edges = gg.histogram(ag.tensor(data), bins=ag.tensor([-3.0, 0.0, 3.0])).bin_edges
    assert edges.tolist() == [-3.0, 0.0, 3.0]
    with pytest.raises(TypeError, match="floating point"):
        gg.histogram(ag.tensor([1, 2]))


def test_grad_accepts_only_inputs_with_a_deprecation_warning():
    x = ag.tensor(2.0, requires_grad=True)
    with pytest.warns(DeprecationWarning, match="only_inputs"):
        (dx,) = ag.grad(x * x, x, only_inputs=True)
    assert dx.item() == 4.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ag.grad(x * x, x)


def test_mm_is_a_2d_matmul():
    a, b = ag.ones(2, 3), ag.ones(3, 4)
    np.testing.assert_array_equal(a.mm(b).data, a.data @ b.data)
    with pytest.raises(ag.ShapeError, match="2-D"):
        a.mm(ag.ones(3))


def test_clamp_with_tensor_bounds_gives_the_bounds_their_gradient_as_torch():
    # a Tensor bound once reached np.clip as an object and raised a DtypeError
    torch = pytest.importorskip("torch")
    x = np.array([[-2.0, 0.25, 3.0, 0.5], [1.5, -0.75, 0.1, 2.5]])
    lo = np.array([0.0, 0.5, -1.0, 1.5])  # the last column has lo > hi in row 0: the result is hi
    hi = np.array([[1.0], [2.0]])
    ours = [ag.tensor(a, requires_grad=True) for a in (x, lo, hi)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, lo, hi)]
    weights = np.arange(8.0).reshape(2, 4) + 1
    for out, tout in ((ours[0].clamp(ours[1], ours[2]), theirs[0].clamp(theirs[1], theirs[2])),
                      (ag.clip(ours[0], ours[1]), theirs[0].clamp(min=theirs[1])),
                      (ours[0].clip(max=ours[2]), theirs[0].clamp(max=theirs[2]))):
        np.testing.assert_array_equal(out.data, tout.detach().numpy())
        (out * ag.tensor(weights)).sum().backward()
        (tout * torch.tensor(weights)).sum().backward()
        for a, t in zip(ours, theirs):
            expected = None if t.grad is None else t.grad.numpy()
            got = None if a.grad is None else a.grad.data
            if expected is None:
                assert got is None or not got.any()
            else:
                np.testing.assert_array_equal(got, expected)
