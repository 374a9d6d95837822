"""nn.data on array-api-strict: batches stay where the dataset's arrays live.

Orders (shuffles, samplers) are host integers; a TensorDataset on a device gathers each
batch there with the device's ``take`` (on ``device1`` any copy to numpy would raise), and
the batches equal numpy's, row for row.
"""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn
from graphgrad.autograd import backend

pytest.importorskip("array_api_strict")

DEVICES = ["array_api_strict:CPU_DEVICE", "array_api_strict:device1",
           "array_api_strict:no_float64"]


def _host(t):
    return backend.to_host(t.data)


def _data(dtype=np.float32):
    rng = np.random.default_rng(3)
    return rng.standard_normal((11, 3)).astype(dtype), np.arange(11)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("options", [{}, {"shuffle": True, "generator": 4},
                                     {"shuffle": True, "drop_last": True, "generator": 1},
                                     {"shard": (1, 3), "generator": 2}])
def test_tensor_dataset_on_a_device_yields_numpy_batches_on_that_device(device, options):
    x, y = _data()
    on_host = list(nn.data.DataLoader((x, y), batch_size=4, **options))
    data = (gg.tensor(x, device=device), gg.tensor(y, device=device))
    on_device = list(nn.data.DataLoader(data, batch_size=4, **options))
    assert len(on_device) == len(on_host) > 0
    for (xh, yh), (xd, yd) in zip(on_host, on_device):
        assert xd.device == device and yd.device == device
        assert xd.dtype == xh.dtype and yd.dtype == yh.dtype
        np.testing.assert_array_equal(_host(xd), xh.data)
        np.testing.assert_array_equal(_host(yd), yh.data)


@pytest.mark.parametrize("device", DEVICES)
def test_raw_device_arrays_and_a_single_array_stay_on_the_device(device):
    x, _ = _data()
    raw = gg.tensor(x, device=device).data
    batches = list(nn.data.DataLoader(raw, batch_size=5, shuffle=True, generator=0))
    expected = list(nn.data.DataLoader(x, batch_size=5, shuffle=True, generator=0))
    assert [b.shape for b in batches] == [(5, 3), (5, 3), (1, 3)]
    for got, want in zip(batches, expected):
        assert got.device == device
        np.testing.assert_array_equal(_host(got), want.data)
    dataset = nn.data.TensorDataset(raw)
    assert len(dataset) == 11
    (row,) = dataset[np.int64(2)]
    np.testing.assert_array_equal(backend.to_host(row), x[2])
    (rows,) = dataset[np.array([4, 0])]
    np.testing.assert_array_equal(backend.to_host(rows), x[[4, 0]])


@pytest.mark.parametrize("device", DEVICES)
def test_generic_dataset_of_device_items_is_stacked_on_the_device(device):
    x, y = _data()

    class Rows:
        def __len__(self):
            return len(y)

        def __getitem__(self, i):
            return gg.tensor(x[i], device=device), int(y[i])

    xb, yb = next(iter(nn.data.DataLoader(Rows(), batch_size=3)))
    assert xb.device == device and yb.device == "cpu"  # the ints are host values
    np.testing.assert_array_equal(_host(xb), x[:3])
    np.testing.assert_array_equal(yb.data, y[:3])


def test_the_order_of_an_epoch_is_host_integers():
    sampler = nn.data.DistributedSampler(7, num_replicas=2, rank=0, seed=3)
    indices = list(sampler)
    assert all(type(i) is int for i in indices)
    loader = nn.data.DataLoader(np.zeros((4, 1)), batch_size=2, shuffle=True, generator=9)
    assert isinstance(loader.generator, gg.Generator)  # an int seeds a graphgrad.Generator
    first = [b.data[:, 0].tolist() for b in loader]
    assert len(first) == 2
    with pytest.raises(TypeError, match="generator must be"):
        nn.data.DataLoader(np.zeros(3), generator="seed")
