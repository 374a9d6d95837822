"""Checkpoints: loading never unpickles, bad files change nothing, saving is atomic.

``Module.save`` writes the ``.npz`` to a temporary file in the same folder and
renames it over the target; ``Module.load`` reads with ``allow_pickle=False``
and checks everything before assigning anything.
"""
import os
import zipfile

import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad import nn
from graphgrad.nn import StateDictError

EXECUTED = []


def _mark_executed():
    EXECUTED.append(True)
    return "payload ran"


class Payload:
    """Unpickling this object calls ``_mark_executed``: proof that code ran on load."""

    def __reduce__(self):
        return (_mark_executed, ())


def make_model():
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def params_of(model):
    return {k: v.data.copy() for k, v in model.state_dict().items()}


def assert_unchanged(model, before):
    after = params_of(model)
    assert after.keys() == before.keys()
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)
        assert after[key].dtype == before[key].dtype, key


@pytest.fixture
def model_and_file(tmp_path):
    model = make_model()
    path = tmp_path / "model.npz"
    model.save(path)
    return model, path


def test_round_trip(model_and_file):
    model, path = model_and_file
    other = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    other.load(path)
    assert_unchanged(other, params_of(model))


def test_load_never_unpickles(tmp_path):
    model = make_model()
    before = params_of(model)
    state = {k: v.copy() for k, v in before.items()}
    state["0.weight"] = np.array([Payload()] * 12, dtype=object).reshape(4, 3)
    path = tmp_path / "evil.npz"
    np.savez(path, **state)  # numpy pickles object arrays by default
    with zipfile.ZipFile(path) as archive:  # the payload really is in the file
        assert any(b"_mark_executed" in archive.read(n) for n in archive.namelist())
    EXECUTED.clear()
    with pytest.raises(StateDictError) as info:
        model.load(path)
    assert not EXECUTED, "loading a checkpoint executed code from it"
    assert str(path) in str(info.value)
    assert_unchanged(model, before)


def test_load_pickle_only_file(tmp_path):
    """A plain pickle (not a zip at all) is refused without being unpickled."""
    import pickle

    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"0.weight": Payload()}))
    model = make_model()
    before = params_of(model)
    EXECUTED.clear()
    with pytest.raises(StateDictError):
        model.load(path)
    assert not EXECUTED
    assert_unchanged(model, before)


@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.9, 0.99])
def test_truncated_file_changes_nothing(model_and_file, keep):
    model, path = model_and_file
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    fresh = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    before = params_of(fresh)
    with pytest.raises(StateDictError) as info:
        fresh.load(path)
    assert "model.npz" in str(info.value)
    assert_unchanged(fresh, before)


@pytest.mark.parametrize("corruption", ["random-bytes", "flipped-bytes", "text", "empty",
                                        "single-npy", "strings", "wrong-shape", "missing-key",
                                        "extra-key", "nan-free-but-complex"])
def test_corrupt_or_mismatched_file_changes_nothing(tmp_path, model_and_file, corruption):
    model, path = model_and_file
    good = {k: v for k, v in params_of(model).items()}
    target = tmp_path / "bad.npz"
    if corruption == "random-bytes":
        target.write_bytes(np.random.default_rng(0).bytes(2048))
    elif corruption == "flipped-bytes":
        data = bytearray(path.read_bytes())
        for i in range(40, len(data) - 40, 97):  # scramble headers and payload alike
            data[i] ^= 0xFF
        target.write_bytes(bytes(data))
    elif corruption == "text":
        target.write_text("0.weight = [[1, 2, 3]]\n")
    elif corruption == "empty":
        target.write_bytes(b"")
    elif corruption == "single-npy":
        with open(target, "wb") as file:
            np.save(file, good["0.weight"])
    elif corruption == "strings":
        np.savez(target, **{**good, "0.weight": np.full((4, 3), "x")})
    elif corruption == "wrong-shape":
        np.savez(target, **{**good, "0.weight": np.zeros((3, 4), np.float32)})
    elif corruption == "missing-key":
        np.savez(target, **{k: v for k, v in good.items() if k != "2.bias"})
    elif corruption == "extra-key":
        np.savez(target, **{**good, "3.weight": np.zeros(2, np.float32)})
    else:
        np.savez(target, **{**good, "0.bias": good["0.bias"] + 1j})
    victim = make_model()
    for p in victim.parameters():  # different values, so a partial load would show
        p.data = p.data + 1.0
    before = params_of(victim)
    with pytest.raises(StateDictError) as info:
        victim.load(target)
    assert_unchanged(victim, before)
    message = str(info.value)
    if corruption in ("strings", "wrong-shape", "nan-free-but-complex"):
        assert "0." in message, message  # names the offending key
    if corruption == "missing-key":
        assert "2.bias" in message, message
    if corruption == "extra-key":
        assert "3.weight" in message, message


def test_missing_file_is_file_not_found(tmp_path):
    model = make_model()
    before = params_of(model)
    with pytest.raises(FileNotFoundError):
        model.load(tmp_path / "nope.npz")
    assert_unchanged(model, before)


def test_directory_instead_of_file(tmp_path):
    model = make_model()
    before = params_of(model)
    with pytest.raises((StateDictError, IsADirectoryError)):
        model.load(tmp_path)
    assert_unchanged(model, before)


def _crash_midway(real_write_array):
    calls = []

    def write_array(file, array, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # first array written, second half-written, then the "crash"
            file.write(b"\x93NUMPY partial")
            raise OSError("simulated crash while saving")
        return real_write_array(file, array, *args, **kwargs)

    return write_array


def test_crash_mid_save_leaves_old_file(tmp_path, model_and_file, monkeypatch):
    model, path = model_and_file
    old_bytes = path.read_bytes()
    for p in model.parameters():
        p.data = p.data * 2.0
    monkeypatch.setattr(np.lib.format, "write_array", _crash_midway(np.lib.format.write_array))
    with pytest.raises(OSError, match="simulated crash"):
        model.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == old_bytes, "a failed save damaged the previous checkpoint"
    assert sorted(os.listdir(path.parent)) == ["model.npz"], "a temporary file was left behind"
    make_model().load(path)  # still a valid checkpoint


def test_crash_in_savez_leaves_old_file(tmp_path, model_and_file, monkeypatch):
    """Whatever numpy writer the library uses, a failure inside it leaves the old file."""
    model, path = model_and_file
    old_bytes = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("simulated crash in numpy's writer")

    monkeypatch.setattr(np, "savez", boom)
    monkeypatch.setattr(np, "savez_compressed", boom)
    monkeypatch.setattr(np.lib.format, "write_array", boom)
    with pytest.raises(OSError, match="simulated crash"):
        model.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == old_bytes
    assert sorted(os.listdir(path.parent)) == ["model.npz"]


def test_save_renames_a_temporary_file_from_the_same_folder(tmp_path, monkeypatch):
    model = make_model()
    path = tmp_path / "model.npz"
    renames = []
    real_replace = os.replace

    def spy(src, dst):
        renames.append((os.fspath(src), os.fspath(dst)))
        assert not os.path.exists(dst) or os.path.getsize(src) > 0
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    model.save(path)
    assert len(renames) == 1
    src, dst = renames[0]
    assert os.path.dirname(os.path.abspath(src)) == str(tmp_path) and dst == str(path)
    assert src != dst and not os.path.exists(src)


def test_crash_at_rename_leaves_old_file(model_and_file, monkeypatch):
    model, path = model_and_file
    old_bytes = path.read_bytes()

    def fail(src, dst):
        raise OSError("simulated crash at rename")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        model.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == old_bytes
    assert sorted(os.listdir(path.parent)) == ["model.npz"]


def test_load_state_dict_bad_values_change_nothing():
    model = make_model()
    before = params_of(model)
    good = params_of(model)
    bad_states = [
        {**good, "0.weight": np.zeros((4, 4))},
        {**good, "0.weight": np.array([["a"] * 3] * 4)},
        {**good, "0.weight": np.array([[object()] * 3] * 4, dtype=object)},
        {**good, "0.weight": "not an array"},
        {k: v for k, v in good.items() if k != "0.bias"},
        {**good, "9.weight": np.zeros(1)},
    ]
    for state in bad_states:
        with pytest.raises(StateDictError):
            model.load_state_dict(state)
        assert_unchanged(model, before)
    with pytest.raises(TypeError):
        model.load_state_dict([("0.weight", good["0.weight"])])
    assert_unchanged(model, before)
