"""graphgrad.save / graphgrad.load: nested objects and state dicts, atomic, never pickle."""
import json
import math
import os
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn


def _roundtrip(obj, tmp_path):
    path = tmp_path / "obj.pt"
    gg.save(obj, path)
    return gg.load(path)


def test_nested_structure_comes_back_with_its_types(tmp_path):
    obj = {"epoch": 3, "lr": 0.1, "done": False, "name": "run-1", "none": None,
           "big": 2 ** 70, "nan": float("nan"), "inf": -math.inf,
           "pair": (1, [2.5, "x"]), 7: "int key", (1, 2): "tuple key",
           "ordered": OrderedDict([("b", 1), ("a", 2)]),
           "array": np.arange(6, dtype=np.int16).reshape(2, 3), "np_scalar": np.float32(1.5),
           "tensor": gg.tensor([1.0, 2.0], dtype=np.float64),
           "param": gg.ones(2, requires_grad=True), "empty": {}, "strings": np.array(["ab", "c"])}
    back = _roundtrip(obj, tmp_path)
    assert list(back) == list(obj)
    for key in ("epoch", "lr", "done", "name", "none", "big", "inf", "pair", 7, (1, 2), "empty"):
        assert back[key] == obj[key] and type(back[key]) is type(obj[key])
    assert math.isnan(back["nan"])
    assert type(back["ordered"]) is OrderedDict and list(back["ordered"]) == ["b", "a"]
    assert back["array"].dtype == np.int16 and (back["array"] == obj["array"]).all()
    assert type(back["np_scalar"]) is np.float32 and back["np_scalar"] == 1.5
    assert isinstance(back["tensor"], gg.Tensor) and back["tensor"].dtype == np.float64
    assert back["tensor"].tolist() == [1.0, 2.0] and not back["tensor"].requires_grad
    assert back["param"].requires_grad and back["param"].tolist() == [1.0, 1.0]
    assert back["strings"].tolist() == ["ab", "c"]


def test_state_dict_is_a_plain_npz_that_module_load_and_numpy_read(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    path = tmp_path / "model.pt"
    gg.save(model.state_dict(), path)
    with np.load(path, allow_pickle=False) as archive:
        assert archive.files == list(model.state_dict())
    twin = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    twin.load(path)
    loaded = gg.load(path)
    assert list(loaded) == list(model.state_dict())
    assert all(isinstance(v, gg.Tensor) for v in loaded.values())
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(twin.state_dict()[key].data, value.data)
        np.testing.assert_array_equal(loaded[key].data, value.data)
    model.save(tmp_path / "by_module.pt")  # and gg.load reads Module.save's files
    assert list(gg.load(tmp_path / "by_module.pt")) == list(model.state_dict())


def test_checkpoint_dictionary_resumes_training_exactly(tmp_path):
    def step(model, optimizer):
        optimizer.zero_grad()
        model(gg.ones(2, 3)).pow(2).sum().backward()
        optimizer.step()

    gg.manual_seed(0)
    model = nn.Linear(3, 1)
    optimizer = nn.optim.Adam(model.parameters(), lr=0.1)
    step(model, optimizer)
    gg.save({"epoch": 1, "model": model.state_dict(), "optimizer": optimizer.state_dict()},
            tmp_path / "ckpt.pt")
    step(model, optimizer)
    checkpoint = gg.load(tmp_path / "ckpt.pt", map_location="cpu", weights_only=True)
    resumed = nn.Linear(3, 1)
    resumed.load_state_dict(checkpoint["model"])
    resumed_optimizer = nn.optim.Adam(resumed.parameters(), lr=0.1)
    resumed_optimizer.load_state_dict(checkpoint["optimizer"])
    step(resumed, resumed_optimizer)
    assert checkpoint["epoch"] == 1
    np.testing.assert_array_equal(resumed.weight.data, model.weight.data)


@pytest.mark.parametrize("obj, where", [
    ({"model": nn.Linear(1, 1)}, "obj['model']"),
    ([1, {"f": print}], "obj[1]['f']"),
    ({"s": {1, 2}}, "obj['s']"),
    ({"a": np.array([object()])}, "obj['a']"),
])
def test_unsupported_values_are_named_and_nothing_is_written(tmp_path, obj, where):
    path = tmp_path / "keep.pt"
    gg.save({"old": 1}, path)
    with pytest.raises(TypeError, match="save: ") as info:
        gg.save(obj, path)
    assert where in str(info.value)
    assert gg.load(path) == {"old": 1} and os.listdir(tmp_path) == ["keep.pt"]


def test_a_crash_while_writing_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "keep.pt"
    gg.save({"old": np.zeros(2)}, path)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", crash)
    with pytest.raises(OSError, match="disk full"):
        gg.save({"new": np.ones(2)}, path)
    monkeypatch.undo()
    assert list(gg.load(path)) == ["old"] and os.listdir(tmp_path) == ["keep.pt"]


def test_loading_never_unpickles(tmp_path):
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, a=np.array([{"x": 1}], dtype=object))
    with pytest.raises(gg.SerializationError, match="pickled.npz"):
        gg.load(pickled)
    forged = tmp_path / "forged.pt"
    with zipfile.ZipFile(forged, "w") as archive:
        archive.writestr("__graphgrad__.json", json.dumps(
            {"format": "graphgrad.save", "version": 1, "root": {"pickle": "x"}}))
    with pytest.raises(gg.SerializationError, match="does not write"):
        gg.load(forged)
    with pytest.raises(gg.SerializationError):
        (tmp_path / "junk.pt").write_bytes(b"not a zip")
        gg.load(tmp_path / "junk.pt")


def test_map_location_other_than_cpu_and_file_objects_are_refused(tmp_path):
    gg.save([1], tmp_path / "a.pt")
    with pytest.raises(gg.DeviceError):
        gg.load(tmp_path / "a.pt", map_location="cuda")
    with open(tmp_path / "b.pt", "wb") as file, pytest.raises(TypeError, match="file name"):
        gg.save([1], file)
    with pytest.raises(nn.StateDictError):
        nn.Linear(1, 1).load(tmp_path / "a.pt")


def test_load_says_what_a_foreign_file_is_not(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(gg.SerializationError, match="notes.txt.*neither a .npz archive nor a "
                       r"\.npy array") as info:
        gg.load(text)
    assert "allow_pickle" not in str(info.value)  # numpy's advice names an option load lacks
    # a zip whose members are not .npy arrays (torch.save's layout): numpy hands them over as
    # bytes, which once reached Tensor() and raised a DtypeError that named no file
    foreign = tmp_path / "model.pt"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("model/data.pkl", b"\x80\x02}q\x00.")
        archive.writestr("model/version", "3\n")
    with pytest.raises(gg.SerializationError, match="model.pt.*'model/data.pkl' is not a numpy "
                       "array.*torch.save"):
        gg.load(foreign)


def test_load_refuses_a_torch_checkpoint_with_a_serialization_error(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "weights.pt"
    torch.save({"weight": torch.ones(2, 2)}, path)
    with pytest.raises(gg.SerializationError, match="weights.pt.*is not a numpy array"):
        gg.load(path)
