"""Checkpoints and DistributedDataParallel on array-api-strict: explicit host boundaries.

A checkpoint is numpy on disk: device arrays are copied to the host as they are written
(``serialization.write_npy``) and loading copies each value to the device of what it
fills. DDP reduces host buckets and hands the averages back on the parameters' device
(two ranks: tests/nn/test_parallel.py; one rank here). On ``device1`` a silent
conversion to numpy raises, so only the explicit copies can pass.
"""
import io

import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn
from graphgrad.autograd import backend, serialization

pytest.importorskip("array_api_strict")

DEVICES = ["array_api_strict:CPU_DEVICE", "array_api_strict:device1"]


@pytest.mark.parametrize("device", DEVICES)
def test_save_arrays_copies_device_arrays_to_the_host(device, tmp_path):
    weight = gg.tensor([[1.5, -2.0]], device=device).data
    path = tmp_path / "arrays.npz"
    nn.checkpoint.save_arrays({"weight": weight, "counts": [1, 2, 3]}, path)
    with np.load(path) as stored:  # plain numpy on disk
        np.testing.assert_array_equal(stored["weight"], np.array([[1.5, -2.0]], np.float32))
        np.testing.assert_array_equal(stored["counts"], [1, 2, 3])
    loaded = nn.checkpoint.load_arrays(path, {"weight": (1, 2), "counts": (3,)})
    assert type(loaded["weight"]) is np.ndarray and loaded["weight"].dtype == np.float32


@pytest.mark.parametrize("device", DEVICES)
def test_a_host_checkpoint_loads_onto_a_module_on_a_device(device, tmp_path):
    gg.manual_seed(1)
    source = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    source.save(tmp_path / "model.npz")
    target = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)).to(device)
    target.load(tmp_path / "model.npz")
    for (name, want), got in zip(source.state_dict().items(), target.state_dict().values()):
        assert got.device == device, name
        np.testing.assert_array_equal(backend.to_host(got.data), want.data)


def test_npy_members_round_trip_from_a_device():
    file = io.BytesIO()
    serialization.write_npy(file, gg.arange(4.0, device="array_api_strict:device1").data)
    file.seek(0)
    assert serialization.read_npy_header(file) == ((1, 0), (4,), np.dtype(np.float32))
    file.seek(0)
    np.testing.assert_array_equal(serialization.read_npy(file), [0.0, 1.0, 2.0, 3.0])


@pytest.mark.parametrize("device", DEVICES)
def test_single_rank_ddp_on_a_device_gives_the_plain_modules_gradients(device):
    pytest.importorskip("mpi4py")

    def model():
        gg.manual_seed(2)
        return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).to(device)

    x = gg.tensor(np.linspace(-1, 1, 6).reshape(2, 3).astype(np.float32), device=device)
    plain, wrapped = model(), nn.parallel.DistributedDataParallel(model(), bucket_cap_mb=1e-5)
    plain(x).sum().backward()
    for _ in range(2):  # the second pass adds to .grad, written back in place on the device
        wrapped(x).sum().backward()
    assert len(wrapped._buckets) > 1
    for p, q in zip(plain.parameters(), wrapped.module.parameters()):
        assert q.grad.device == device
        twice = 2 * backend.to_host(p.grad.data)
        np.testing.assert_array_equal(backend.to_host(q.grad.data), twice)
