"""The device API: ``gg.device``, ``Tensor.to/cpu/device``, creation on a device, ``Module.to``.

Run on array-api-strict's devices (``CPU_DEVICE`` and the fake ``device1``, which
refuses any conversion to numpy), so nothing here needs a GPU: ``"cuda"`` behaves as
any other non-numpy device, reached through CuPy.
"""
import os
import warnings

import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn
from graphgrad.autograd import backend, devices
from graphgrad.autograd.errors import DeviceError

xp = pytest.importorskip("array_api_strict")

STRICT = "array_api_strict"
D1 = "array_api_strict:device1"
DEVICES = [STRICT, D1]


def _host(t):
    return backend.to_host(t.data)


# ---------------------------------------------------------------- gg.device
@pytest.mark.parametrize("name, type_, index, text", [
    ("cpu", "cpu", None, "cpu"),
    ("cpu:0", "cpu", 0, "cpu:0"),
    ("cuda", "cuda", None, "cuda"),
    ("cuda:1", "cuda", 1, "cuda:1"),
    ("array_api_strict", "array_api_strict", None, "array_api_strict"),
    ("array_api_strict:device1", "array_api_strict", "device1", "array_api_strict:device1"),
])
def test_device_parses_type_and_index(name, type_, index, text):
    where = gg.device(name)
    assert (where.type, where.index, str(where)) == (type_, index, text)
    assert gg.device(where) == where and gg.device(type_, index) == where
    assert repr(where).startswith(f"device(type='{type_}'")


@pytest.mark.parametrize("a, b, equal", [
    ("cpu", "cpu:0", True),               # numpy has one device
    ("cuda", "cuda:0", True),             # PyTorch: cuda is the current GPU, 0 here
    ("cuda:0", "cuda:1", False),
    ("array_api_strict", "array_api_strict:CPU_DEVICE", True),
    ("array_api_strict", D1, False),
    ("cpu", "array_api_strict", False),
])
def test_device_equality_and_hash(a, b, equal):
    assert (gg.device(a) == gg.device(b)) is equal
    assert (gg.device(a) == b) is equal  # a string compares as the device it names
    if equal:
        assert hash(gg.device(a)) == hash(gg.device(b))
    assert gg.device(a) != "not a device"


@pytest.mark.parametrize("name, words", [
    ("gpu", ["'gpu' is not a device name", "'cuda'"]),
    ("mps", ["'mps' is not available", "CuPy"]),
    ("cuda:x", ["index of a cuda device is a number", "'x'"]),
    ("CPU", ["not a device name"]),
])
def test_bad_device_names_raise_device_error(name, words):
    with pytest.raises(DeviceError) as info:
        gg.device(name)
    for word in words:
        assert word in str(info.value)


def test_unknown_device_of_a_known_library_lists_the_devices():
    with pytest.raises(DeviceError, match="no device 'device9'; it has CPU_DEVICE, device1"):
        gg.ones(2).to("array_api_strict:device9")


def test_missing_library_error_names_the_extra(monkeypatch):
    missing = backend.Backend("cuda", "no_such_module_for_graphgrad_tests")
    monkeypatch.setitem(backend.host._BACKENDS, "cuda", missing)
    with pytest.raises(DeviceError, match=r"pip install 'graphgrad\[gpu\]'"):
        gg.ones(2).to("cuda")


# ---------------------------------------------------------------- Tensor.to / cpu / numpy
@pytest.mark.parametrize("where", DEVICES)
def test_to_is_recorded_and_the_gradient_flows_back(where):
    x = gg.tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    y = x.to(where)
    assert y.device == where and not y.is_leaf and y.grad_fn is not None
    np.testing.assert_array_equal(_host(y), [1.0, -2.0, 3.0])
    (y * y).backward(gg.tensor(np.array([1.0, 10.0, 100.0]), device=where))
    assert x.grad.device == "cpu"
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, -40.0, 600.0])


@pytest.mark.parametrize("where", DEVICES)
def test_cpu_is_recorded_from_a_device_leaf(where):
    x = gg.tensor(np.array([1.0, 2.0]), requires_grad=True, device=where)
    assert x.is_leaf and x.device == where
    y = x.cpu()
    assert y.device == "cpu" and type(y.data) is np.ndarray
    (y * y).sum().backward()
    assert x.grad.device == where
    np.testing.assert_array_equal(_host(x.grad), [2.0, 4.0])


@pytest.mark.parametrize("where", DEVICES)
def test_second_order_gradients_cross_devices(where):
    x = gg.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x.to(where)
    cube = y * y * y  # mul only: the other ops are tested in test_ops_on_devices.py
    (first,) = gg.grad(cube, x, gg.ones(2, dtype=np.float64, device=where), create_graph=True)
    assert first.device == "cpu" and first.grad_fn is not None
    np.testing.assert_array_equal(first.numpy(), [3.0, 12.0])
    (second,) = gg.grad(first.sum(), x)
    np.testing.assert_array_equal(second.numpy(), [6.0, 12.0])
    w = gg.tensor(np.array([1.0, 2.0]), requires_grad=True, device=where)
    v = w.cpu()
    (first,) = gg.grad((v * v * v).sum(), w, create_graph=True)
    assert first.device == where and first.grad_fn is not None
    (second,) = gg.grad(first, w, gg.ones(2, dtype=np.float64, device=where))
    np.testing.assert_array_equal(_host(second), [6.0, 12.0])


def test_to_between_two_devices_of_one_library():
    x = gg.tensor(np.array([1.0, 2.0]), requires_grad=True, device=STRICT)
    y = x.to(D1)
    assert y.device == D1
    (y * 3.0).backward(gg.ones(2, dtype=np.float64, device=D1))
    assert x.grad.device == STRICT
    np.testing.assert_array_equal(_host(x.grad), [3.0, 3.0])


def test_to_the_same_device_is_the_tensor_itself_unless_copy():
    x = gg.ones(2, device=D1)
    assert x.to(D1) is x and x.to(gg.device(D1)) is x and x.cpu() is not x
    y = gg.ones(2)
    assert y.cpu() is y and y.to("cpu") is y
    copied = y.to("cpu", copy=True)
    assert copied is not y and not np.shares_memory(copied.numpy(), y.numpy())


def test_device_property_and_is_cuda():
    assert gg.ones(2).device == gg.device("cpu")
    t = gg.ones(2, device=D1)
    assert t.device == gg.device(D1) and not t.is_cuda
    assert "device='array_api_strict:device1'" in repr(t)


@pytest.mark.parametrize("where", DEVICES)
def test_numpy_refuses_a_tensor_off_the_cpu(where):
    t = gg.ones(2, device=where)
    with pytest.raises(DeviceError, match=r"numpy: the tensor is on device .*t\.cpu\(\)\.numpy"):
        t.numpy()
    with pytest.raises(DeviceError):
        np.asarray(t)  # __array__ goes through numpy(): no silent copy either
    assert isinstance(t.cpu().numpy(), np.ndarray)


@pytest.mark.parametrize("where", DEVICES)
def test_host_conversions_copy_explicitly(where):
    t = gg.tensor(np.array([[1.5, 2.0]]), device=where)
    assert t.tolist() == [[1.5, 2.0]]
    assert gg.tensor(np.array([2.5]), device=where).item() == 2.5
    assert float(gg.tensor(np.array(2.5), device=where)) == 2.5
    assert [10, 20, 30][gg.tensor(np.array(1), device=where)] == 20     # __index__
    assert bool(gg.tensor(np.array([True]), device=where)) is True       # one element, 1-d


# ---------------------------------------------------------------- mixing devices
@pytest.mark.parametrize("first, second", [("cpu", STRICT), (STRICT, D1), (D1, "cpu")])
@pytest.mark.parametrize("op, name", [(lambda a, b: a + b, "add"),
                                      (lambda a, b: a * b, "mul"),
                                      (lambda a, b: a @ b, "matmul")], ids=["add", "mul", "matmul"])
def test_mixing_devices_in_one_op_names_the_op_and_both_devices(first, second, op, name):
    a = gg.ones((2, 2), requires_grad=True, device=first)
    b = gg.ones((2, 2), device=second)
    with pytest.raises(DeviceError) as info:
        op(a, b)
    message = str(info.value)
    assert message.startswith(f"{name}:")
    assert f"'{a.device}' and '{b.device}'" in message, message
    assert "move them to one device" in message


def test_backward_refuses_a_gradient_on_another_device():
    x = gg.ones(2, requires_grad=True, device=STRICT)
    with pytest.raises(DeviceError, match="backward: got values on devices"):
        (x * 2.0).backward(gg.ones(2, device=D1))
    assert x.grad is None


# ---------------------------------------------------------------- creation on a device
@pytest.mark.parametrize("make", [
    lambda d: gg.zeros((2, 3), device=d), lambda d: gg.ones(4, device=d),
    lambda d: gg.full((2,), 3.5, device=d), lambda d: gg.eye(3, device=d),
    lambda d: gg.arange(5, device=d), lambda d: gg.linspace(0.0, 1.0, 5, device=d),
    lambda d: gg.tensor([1.0, 2.0], device=d),
], ids=["zeros", "ones", "full", "eye", "arange", "linspace", "tensor"])
@pytest.mark.parametrize("where", DEVICES)
def test_creation_functions_take_device(make, where):
    on_device, on_cpu = make(where), make(None)
    assert on_device.device == where and on_cpu.device == "cpu"
    assert on_device.dtype == on_cpu.dtype and on_device.shape == on_cpu.shape
    np.testing.assert_array_equal(_host(on_device), on_cpu.numpy())


@pytest.mark.parametrize("where", DEVICES)
def test_empty_takes_device(where):
    made = gg.empty((2, 3), device=where)
    assert made.device == where and made.shape == (2, 3) and made.dtype == np.float32


@pytest.mark.parametrize("make", [
    lambda d, **kw: gg.rand(3, device=d, **kw), lambda d, **kw: gg.randn(3, device=d, **kw),
], ids=["rand", "randn"])
def test_random_creation_on_a_device_draws_the_host_stream(make):
    gg.manual_seed(5)
    on_cpu = make(None).numpy()
    gg.manual_seed(5)
    on_device = make(D1, requires_grad=True)
    assert on_device.device == D1 and on_device.requires_grad and on_device.is_leaf
    np.testing.assert_array_equal(_host(on_device), on_cpu)


@pytest.mark.parametrize("like", [gg.zeros_like, gg.ones_like, gg.empty_like, gg.rand_like,
                                  gg.randn_like, lambda x, **kw: gg.full_like(x, 2.0, **kw)],
                         ids=["zeros", "ones", "empty", "rand", "randn", "full"])
def test_like_functions_follow_x_unless_device_is_given(like):
    x = gg.ones((2, 3), dtype=np.float64, device=D1)
    assert like(x).device == D1 and like(x).dtype == np.float64 and like(x).shape == (2, 3)
    assert like(x, device="cpu").device == "cpu"
    assert like(gg.ones(2), device=STRICT).device == STRICT


@pytest.mark.parametrize("new", [lambda x, **kw: x.new_zeros(2, 3, **kw),
                                 lambda x, **kw: x.new_ones((2, 3), **kw),
                                 lambda x, **kw: x.new_full((2, 3), 1.5, **kw)],
                         ids=["new_zeros", "new_ones", "new_full"])
def test_new_functions_follow_the_tensor_unless_device_is_given(new):
    x = gg.ones(1, dtype=np.float64, device=D1)
    made = new(x)
    assert made.device == D1 and made.dtype == np.float64 and made.shape == (2, 3)
    assert new(x, device="cpu").device == "cpu"
    assert new(gg.ones(1), device=STRICT).device == STRICT


def test_tensor_of_a_device_tensor_copies_on_that_device():
    y = gg.tensor(np.array([1.0, 2.0]), device=D1)
    for made in (gg.tensor(y), gg.tensor(y, dtype=np.float64), gg.tensor(y.data)):
        assert made.device == D1 and made.dtype == np.float64
        assert made.data is not y.data
    assert gg.tensor(y, dtype=np.float32).dtype == np.float32


def test_tensor_always_copies_even_with_the_datas_own_dtype():
    a = np.ones(2, dtype=np.float32)
    t = gg.tensor(a, dtype=np.float32)
    a[0] = 5.0
    assert t.tolist() == [1.0, 1.0]


# ---------------------------------------------------------------- Module.to
def _trained_net():
    net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
    net(gg.tensor(np.random.default_rng(0).standard_normal((5, 3)))).sum().backward()
    return net


@pytest.mark.parametrize("where", DEVICES)
def test_module_to_moves_parameters_buffers_and_grads_in_place(where):
    net = _trained_net()
    params = list(net.parameters())
    before = {name: t.numpy().copy() for name, t in net.state_dict().items()}
    grads = [p.grad.numpy().copy() for p in params]
    optimizer = nn.optim.SGD(net.parameters(), lr=0.1)
    assert net.to(where) is net
    assert list(net.parameters()) == params  # the same objects: the optimizer still holds them
    assert all(a is b for a, b in zip(optimizer.param_groups[0]["params"], params))
    for p, grad in zip(params, grads):
        assert p.device == where and p.grad.device == where
        np.testing.assert_array_equal(_host(p.grad), grad)
    for name, buffer in net.named_buffers():
        assert buffer.device == where, name
    for name, t in net.state_dict().items():
        np.testing.assert_array_equal(_host(t), before[name])
    net.cpu()
    assert all(type(p.data) is np.ndarray and type(p.grad.data) is np.ndarray for p in params)


def test_module_to_a_device_and_dtype_at_once():
    net = nn.Linear(2, 2).to(D1, np.float64)
    assert net.weight.device == D1 and net.weight.dtype == np.float64


def test_module_to_leaves_the_module_unchanged_when_a_move_fails(monkeypatch):
    net = _trained_net()
    state = {name: t.data for name, t in net.state_dict().items()}
    grads = [p.grad.data for p in net.parameters()]
    real_move, calls = devices.move, []

    def failing_move(array, where):
        calls.append(array)
        if len(calls) == 5:
            raise DeviceError("to: out of device memory (simulated)")
        return real_move(array, where)

    monkeypatch.setattr(devices, "move", failing_move)
    with pytest.raises(DeviceError, match="simulated"):
        net.to(D1)
    assert len(calls) == 5  # it failed half way, after moving some arrays
    assert all(net.state_dict()[name].data is data for name, data in state.items())
    assert all(p.grad.data is g for p, g in zip(net.parameters(), grads))


def test_module_to_an_unknown_device_fails_before_moving_anything():
    net = _trained_net()
    weights = [p.data for p in net.parameters()]
    with pytest.raises(DeviceError):
        net.to("array_api_strict:device9")
    assert [p.data for p in net.parameters()] == weights


def test_save_from_a_device_writes_host_arrays_and_load_keeps_the_device(tmp_path):
    net = nn.Linear(3, 2).to(D1)
    path = os.fspath(tmp_path / "w.npz")
    net.save(path)
    with np.load(path) as saved:
        np.testing.assert_array_equal(saved["weight"], _host(net.weight))
    other = nn.Linear(3, 2).to(D1)
    other.load(path)
    assert other.weight.device == D1
    np.testing.assert_array_equal(_host(other.weight), _host(net.weight))


def test_load_state_dict_across_devices_keeps_each_parameters_device():
    source = nn.Linear(3, 2).to(D1)
    target = nn.Linear(3, 2)
    target.load_state_dict(source.state_dict())
    assert target.weight.device == "cpu"
    np.testing.assert_array_equal(target.weight.numpy(), _host(source.weight))
    back = nn.Linear(3, 2).to(D1)
    back.load_state_dict({"weight": np.ones((2, 3)), "bias": np.zeros(2)})
    assert back.weight.device == D1 and back.weight.tolist() == [[1.0] * 3] * 2


# ---------------------------------------------------------------- the seam's helpers
def test_dtype_kind_takes_any_librarys_dtype_without_cross_library_comparisons():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # strict warns when its dtypes meet numpy's
        for _ in range(2):  # the second round reads the cache
            assert backend.dtype_kind(xp.float64) == "f" == backend.dtype_kind(np.float64)
            assert backend.dtype_kind(np.dtype("float64")) == "f"
            assert backend.dtype_kind(xp.int64) == "i" == backend.dtype_kind(np.dtype("int64"))
            assert backend.dtype_kind(xp.bool) == "b"


def test_move_and_to_host_between_devices():
    a = np.arange(3.0)
    on_d1 = devices.move(a, gg.device(D1))
    assert devices.device_of(on_d1) == D1
    with pytest.raises(RuntimeError):
        np.asarray(on_d1)  # the fake device refuses numpy: only to_host copies
    back = backend.to_host(on_d1)
    assert type(back) is np.ndarray and back.tolist() == [0.0, 1.0, 2.0]
    assert devices.device_of(devices.move(on_d1, gg.device(STRICT))) == STRICT
    assert devices.move(a, gg.device("cpu")) is a
    assert devices.device_of(2.0) == "cpu"
