"""Module.to (dtypes and the CPU device), Module.cpu and Module.apply, as PyTorch's."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn


def _model():
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Sequential(nn.Linear(4, 2)))


def test_to_takes_devices_dtypes_and_tensors():
    model = _model()
    assert model.to("cpu") is model and model.cpu() is model
    assert model.to(gg.device("cpu")) is model
    model.to("cpu", gg.float64)
    assert {p.dtype for p in model.parameters()} == {np.dtype(np.float64)}
    model.to(dtype=gg.float32)
    assert {p.dtype for p in model.parameters()} == {np.dtype(np.float32)}
    model.to(gg.zeros(1, dtype=np.float64))
    assert {p.dtype for p in model.parameters()} == {np.dtype(np.float64)}


def test_to_refuses_other_devices_and_integer_dtypes_before_changing_anything():
    model = _model()
    for bad, error in (("cuda", gg.DeviceError), (gg.int64, TypeError)):
        with pytest.raises(error):
            model.to(bad)
        assert {p.dtype for p in model.parameters()} == {np.dtype(np.float32)}


def test_apply_visits_children_first_then_self():
    torch = pytest.importorskip("torch")
    ours, theirs = [], []
    _model().apply(lambda m: ours.append(type(m).__name__))
    torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(),
                        torch.nn.Sequential(torch.nn.Linear(4, 2))).apply(
        lambda m: theirs.append(type(m).__name__))
    assert ours == theirs


def test_apply_initialises_weights():
    def init(module):
        if isinstance(module, nn.Linear):
            nn.init.zeros_(module.weight)

    model = _model()
    assert model.apply(init) is model
    assert all(not layer.weight.data.any() for layer in (model[0], model[2][0]))
