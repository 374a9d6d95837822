"""nn's own array code on array-api-strict: optimizers, the fused recurrent node, init.

Each runs on ``array_api_strict:device1`` (a second device: any silent copy to numpy
raises there) and must give numpy's numbers exactly: the same operations in the same
order, only another namespace. The ops' own portability is tests/portability's.
"""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn
from graphgrad.autograd import backend
from graphgrad.nn.layers.rnn_fused import RecurrentSequence

pytest.importorskip("array_api_strict")

DEVICE = "array_api_strict:device1"
SHAPES = [(3, 4), (4,), (2, 2, 2)]

OPTIMIZERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01, "maximize": True}),
    ("Adagrad", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adadelta", {"lr": 0.5}),
    ("Adamax", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1}),
]


def _host(x):
    return backend.to_host(x.data if gg.is_value(x) else x)


def _train(name, kwargs, device, steps=4):
    """``steps`` updates with fixed gradients; returns the parameters and the optimizer."""
    rng = np.random.default_rng(0)
    params = [nn.Parameter(gg.tensor(rng.standard_normal(s)).to(device).data) for s in SHAPES]
    optimizer = getattr(nn.optim, name)(params, **kwargs)
    for _ in range(steps):
        for p in params:
            p.grad = gg.tensor(rng.standard_normal(p.shape)).to(device)
        optimizer.step()
    return params, optimizer


# SGD and Adam(W) also through their fused path (flat buffers on the device)
CASES = OPTIMIZERS + [(n, {**k, "foreach": True}) for n, k in OPTIMIZERS
                      if n in ("SGD", "Adam", "AdamW")]


@pytest.mark.parametrize(("name", "kwargs"), CASES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_optimizer_on_a_device_matches_numpy_bit_for_bit(name, kwargs):
    on_cpu, _ = _train(name, kwargs, "cpu")
    on_device, optimizer = _train(name, kwargs, DEVICE)
    for a, b in zip(on_cpu, on_device):
        assert b.device == DEVICE
        np.testing.assert_array_equal(_host(b), _host(a))
    for state in optimizer.state.values():  # the state stays on the parameters' device
        for value in state.values():
            if hasattr(value, "shape"):
                assert gg.devices.device_of(value) == DEVICE


@pytest.mark.parametrize(("name", "kwargs"), [OPTIMIZERS[1], OPTIMIZERS[4]], ids=["SGD", "Adam"])
def test_optimizer_state_dict_from_the_host_loads_onto_the_device(name, kwargs):
    """A state saved on the CPU continues on the device exactly as it does on the CPU."""
    params, optimizer = _train(name, kwargs, "cpu", steps=2)
    saved = optimizer.state_dict()
    continued = {}
    for device in ("cpu", DEVICE):
        moved = [nn.Parameter(gg.tensor(_host(p)).to(device).data) for p in params]
        other = getattr(nn.optim, name)(moved, **kwargs)
        other.load_state_dict(saved)
        for state in other.state.values():
            for value in state.values():
                if hasattr(value, "shape"):
                    assert gg.devices.device_of(value) == device
        for p in moved:
            p.grad = gg.ones(p.shape, dtype=p.dtype, device=device)
        other.step()
        continued[device] = [_host(p) for p in moved]
    for a, b in zip(continued["cpu"], continued[DEVICE]):
        np.testing.assert_array_equal(b, a)


def test_zero_grad_without_set_to_none_keeps_the_device():
    p = nn.Parameter(gg.ones(3, device=DEVICE).data)
    p.grad = gg.ones(3, device=DEVICE)
    nn.optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert p.grad.device == DEVICE
    np.testing.assert_array_equal(_host(p.grad), np.zeros(3, dtype=np.float32))


CELLS = [("lstm", 4), ("gru", 3), ("rnn_tanh", 1), ("rnn_relu", 1)]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize(("cell", "gates"), CELLS, ids=[c for c, _ in CELLS])
def test_fused_recurrent_node_on_a_device_matches_numpy(cell, gates, reverse):
    """Forward and every input's gradient of the fused node, the buffers on device1."""
    steps, batch, inputs, hidden = 4, 3, 2, 5
    rng = np.random.default_rng(1)
    shapes = [(steps * batch, inputs), (batch, hidden), (batch, hidden),
              (gates * hidden, inputs), (gates * hidden, hidden), (gates * hidden,),
              (gates * hidden,)]
    arrays = [rng.standard_normal(s) for s in shapes]
    if cell != "lstm":
        arrays[2] = None
    rows = steps * batch + (batch if cell == "lstm" else 0)
    seed = rng.standard_normal((rows, hidden))
    results = {}
    for device in ("cpu", DEVICE):
        values = [None if a is None else gg.tensor(a, requires_grad=True).to(device)
                  for a in arrays]
        for v in values:
            if v is not None:
                v.retain_grad()
        out = RecurrentSequence.apply(*values, cell=cell, steps=steps, reverse=reverse)
        assert out.device == device
        out.backward(gg.tensor(seed).to(device))
        results[device] = [_host(out)] + [_host(v.grad) for v in values if v is not None]
    for a, b in zip(results["cpu"], results[DEVICE]):
        np.testing.assert_array_equal(b, a)


INITS = [("uniform_", {"a": -1, "b": 2}), ("normal_", {"std": 0.5}),
         ("xavier_uniform_", {}), ("xavier_normal_", {}), ("kaiming_uniform_", {"a": 5 ** 0.5}),
         ("kaiming_normal_", {}), ("constant_", {"val": 0.3}), ("zeros_", {}), ("ones_", {}),
         ("eye_", {})]


@pytest.mark.parametrize(("name", "kwargs"), INITS, ids=[n for n, _ in INITS])
def test_init_keeps_the_device_and_draws_what_numpy_draws(name, kwargs):
    filled = {}
    for device in ("cpu", DEVICE):
        gg.manual_seed(7)
        tensor = gg.zeros(4, 3, dtype=gg.float64, device=device)
        assert getattr(nn.init, name)(tensor, **kwargs) is tensor
        assert tensor.device == device and tensor.dtype == np.float64
        filled[device] = _host(tensor)
    np.testing.assert_array_equal(filled[DEVICE], filled["cpu"])
    assert name in ("zeros_",) or np.any(filled["cpu"] != 0)


def test_generator_records_its_device_and_draws_the_same_numbers_there():
    g = gg.Generator(DEVICE)
    assert g.device == DEVICE
    on_device = gg.randn(5, generator=g.manual_seed(3), device=g.device)
    on_cpu = gg.randn(5, generator=g.manual_seed(3))
    assert on_device.device == DEVICE
    np.testing.assert_array_equal(_host(on_device), on_cpu.numpy())


def test_into_writes_in_place_on_every_library():
    xp = pytest.importorskip("array_api_strict")
    out = xp.zeros(3, dtype=xp.float64, device=xp.Device("device1"))
    before = out
    result = backend.into(out, xp.add, xp.ones(3, dtype=xp.float64, device=out.device), 2.0)
    assert result is before
    np.testing.assert_array_equal(backend.to_host(out), np.full(3, 3.0))
    host = np.zeros(3)
    assert backend.into(host, np.multiply, np.arange(3.0), 2.0) is host
    np.testing.assert_array_equal(host, [0.0, 2.0, 4.0])


# ------------------------------------------------------------------ host boundaries
def test_module_checkpoint_goes_through_the_host_and_back_to_the_device(tmp_path):
    gg.manual_seed(0)
    model = nn.Linear(3, 2).to(DEVICE)
    model.save(tmp_path / "m.npz")
    on_disk = np.load(tmp_path / "m.npz")  # plain numpy arrays on the host
    np.testing.assert_array_equal(on_disk["weight"], _host(model.weight))
    other = nn.Linear(3, 2).to(DEVICE)
    other.load(tmp_path / "m.npz")
    assert other.weight.device == DEVICE and other.bias.device == DEVICE
    np.testing.assert_array_equal(_host(other.weight), _host(model.weight))
    on_cpu = nn.Linear(3, 2)
    on_cpu.load_state_dict(model.state_dict())  # device Tensors into a CPU module
    assert on_cpu.weight.device == "cpu"
    np.testing.assert_array_equal(on_cpu.weight.numpy(), _host(model.weight))


def test_load_state_dict_casts_and_moves_host_arrays_to_the_device():
    model = nn.Linear(2, 1).to(DEVICE)
    model.load_state_dict({"weight": [[1, 2]], "bias": np.array([0.5])})  # ints, float64
    assert model.weight.device == DEVICE and model.weight.dtype == np.float32
    np.testing.assert_array_equal(_host(model.weight), [[1.0, 2.0]])
    np.testing.assert_array_equal(_host(model.bias), [0.5])


def test_save_brings_device_values_to_the_host_and_map_location_moves_them(tmp_path):
    gg.manual_seed(0)
    model = nn.Linear(3, 2).to(DEVICE)
    optimizer = nn.optim.Adam(model.parameters())
    for p in model.parameters():
        p.grad = gg.ones(p.shape, device=DEVICE)
    optimizer.step()
    gg.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 2},
            tmp_path / "ckpt.pt")
    on_cpu = gg.load(tmp_path / "ckpt.pt")
    assert on_cpu["model"]["weight"].device == "cpu"
    assert type(on_cpu["optimizer"]["state"][0]["exp_avg"]) is np.ndarray
    moved = gg.load(tmp_path / "ckpt.pt", map_location=DEVICE)
    assert moved["epoch"] == 2 and moved["model"]["weight"].device == DEVICE
    state = moved["optimizer"]["state"][0]
    assert gg.devices.device_of(state["exp_avg"]) == DEVICE
    np.testing.assert_array_equal(_host(state["exp_avg"]),
                                  _host(optimizer.state[model.weight]["exp_avg"]))
    model.save(tmp_path / "m.npz")  # a plain state dict file, too
    assert gg.load(tmp_path / "m.npz", map_location=DEVICE)["bias"].device == DEVICE


def test_clip_grad_on_a_device_matches_numpy():
    results = {}
    for device in ("cpu", DEVICE):
        params = [nn.Parameter(gg.tensor(np.arange(3.0)).to(device).data) for _ in range(2)]
        for p in params:
            p.grad = gg.tensor(np.array([3.0, -4.0, 12.0])).to(device)
        total = nn.utils.clip_grad_norm_(params, 1.0)
        largest = nn.utils.clip_grad_norm_(params, 1.0, norm_type=float("inf"))
        nn.utils.clip_grad_value_(params, 0.05)
        assert total.device == device and params[0].grad.device == device
        results[device] = [_host(total), _host(largest)] + [_host(p.grad) for p in params]
    np.testing.assert_allclose(results["cpu"][0], 13.0 * 2 ** 0.5)
    for a, b in zip(results["cpu"], results[DEVICE]):
        np.testing.assert_array_equal(b, a)


def test_embedding_on_a_device_matches_numpy():
    results = {}
    for device in ("cpu", DEVICE):
        gg.manual_seed(0)
        layer = nn.Embedding(5, 3, padding_idx=1).double().to(device)
        out = layer(gg.tensor(np.array([[0, 1], [4, 1]])).to(device))
        out.backward(gg.ones(out.shape, dtype=gg.float64, device=device))
        assert out.device == device
        results[device] = [_host(out), _host(layer.weight.grad)]
    assert np.all(results["cpu"][1][1] == 0)  # the padding row gets no gradient
    for a, b in zip(results["cpu"], results[DEVICE]):
        np.testing.assert_array_equal(b, a)


def test_lstm_layer_trains_on_a_device_as_on_numpy():
    """nn.LSTM (one fused node per direction) + Adam: three steps, bit for bit."""
    results = {}
    for device in ("cpu", DEVICE):
        gg.manual_seed(0)
        lstm = nn.LSTM(4, 6, num_layers=2, bidirectional=True).double().to(device)
        optimizer = nn.optim.Adam(lstm.parameters(), lr=0.01)
        x = gg.tensor(np.random.default_rng(2).standard_normal((5, 3, 4))).to(device)
        for _ in range(3):
            optimizer.zero_grad()
            out, (h, c) = lstm(x)
            out.backward(gg.ones(out.shape, dtype=gg.float64, device=device))
            optimizer.step()
        results[device] = [_host(p) for p in lstm.parameters()]
    for a, b in zip(results["cpu"], results[DEVICE]):
        np.testing.assert_array_equal(b, a)
