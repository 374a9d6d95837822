"""state_dict / load_state_dict / save / load: round trips, and bad input that changes nothing."""
import os
import pickle

import numpy as np
import pytest

from graphgrad import autograd, nn
from graphgrad.autograd import Tensor


def make_model(seed=0):
    autograd.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))
    model.register_buffer("steps", np.arange(2, dtype=np.float32))
    return model


def snapshot(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def assert_state_equal(model, state):
    current = snapshot(model)
    assert list(current) == list(state)
    for key in state:
        np.testing.assert_array_equal(current[key], state[key])


def test_state_dict_keys_follow_pytorch_names():
    assert list(make_model().state_dict()) == ["steps", "0.weight", "0.bias", "2.weight",
                                               "2.bias"]
    assert make_model().state_dict()["0.weight"].shape == (5, 4)  # (out_features, in_features)


def test_state_dict_values_are_detached_and_share_memory():
    model = make_model()
    state = model.state_dict()
    assert not state["0.weight"].requires_grad
    assert state["0.weight"].data is model[0].weight.data
    assert model.state_dict(keep_vars=True)["0.weight"] is model[0].weight


def test_state_dict_round_trip_into_fresh_model():
    source, target = make_model(0), make_model(1)
    target.load_state_dict(source.state_dict())
    assert_state_equal(target, snapshot(source))
    # the loaded arrays are copies: training the target leaves the source alone
    with autograd.no_grad():
        target[0].weight += 1.0
    assert not np.array_equal(target[0].weight.data, source[0].weight.data)


def test_load_state_dict_accepts_arrays_and_casts_dtype():
    model = make_model()
    state = {k: v.astype(np.float64) for k, v in snapshot(make_model(3)).items()}
    result = model.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert model[0].weight.dtype == np.float32
    np.testing.assert_allclose(model[0].weight.data, state["0.weight"])


def test_load_state_dict_parameters_stay_the_same_objects():
    model = make_model()
    weight = model[0].weight
    model.load_state_dict(make_model(2).state_dict())
    assert model[0].weight is weight and weight.requires_grad


@pytest.mark.parametrize("damage", ["missing", "unexpected", "shape", "dtype", "all"])
def test_load_state_dict_bad_input_raises_one_error_and_changes_nothing(damage):
    model = make_model()
    before = snapshot(model)
    state = snapshot(make_model(7))
    if damage in ("missing", "all"):
        del state["0.bias"]
    if damage in ("unexpected", "all"):
        state["3.weight"] = np.zeros(3)
    if damage in ("shape", "all"):
        state["2.weight"] = np.zeros((5, 3))
    if damage in ("dtype", "all"):
        state["steps"] = np.array(["a", "b"])
    with pytest.raises(nn.StateDictError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    if damage in ("missing", "all"):
        assert "missing" in message and "'0.bias'" in message
    if damage in ("unexpected", "all"):
        assert "unexpected" in message and "'3.weight'" in message
    if damage in ("shape", "all"):
        assert "2.weight" in message and "(5, 3)" in message and "(3, 5)" in message
    if damage in ("dtype", "all"):
        assert "steps" in message
    assert_state_equal(model, before)


def test_load_state_dict_non_strict_ignores_missing_and_extra_but_not_shapes():
    model = make_model()
    state = snapshot(make_model(4))
    del state["0.bias"]
    state["extra"] = np.ones(2)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(model[0].weight.data, state["0.weight"])
    state["0.weight"] = np.zeros((1, 1))
    with pytest.raises(nn.StateDictError, match="0.weight"):
        model.load_state_dict(state, strict=False)


def test_load_state_dict_rejects_non_mapping():
    with pytest.raises(TypeError, match="dict"):
        make_model().load_state_dict([1, 2])


def test_save_load_round_trip(tmp_path):
    path = tmp_path / "model.npz"
    source = make_model(0)
    source.save(path)
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left behind
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(source.state_dict())
    target = make_model(1)
    target.load(str(path))
    assert_state_equal(target, snapshot(source))


def test_save_overwrites_atomically_and_keeps_given_name(tmp_path):
    path = tmp_path / "weights.ckpt"
    make_model(0).save(path)
    model = make_model(1)
    model.save(path)
    assert os.listdir(tmp_path) == ["weights.ckpt"]
    fresh = make_model(2)
    fresh.load(path)
    assert_state_equal(fresh, snapshot(model))


def test_save_into_missing_folder_fails_cleanly(tmp_path):
    with pytest.raises(FileNotFoundError):
        make_model().save(tmp_path / "nope" / "model.npz")


def _write_bad(kind, path, good):
    if kind == "missing":
        state = {k: v for k, v in good.items() if k != "2.bias"}
        np.savez(path, **state)
    elif kind == "extra":
        np.savez(path, **good, surprise=np.zeros(3))
    elif kind == "shape":
        np.savez(path, **{**good, "0.weight": np.zeros((4, 5), dtype=np.float32)})
    elif kind == "object":
        np.savez(path, **{**good, "0.bias": np.array([{"x": 1}] * 5, dtype=object)})
    elif kind == "pickle":
        with open(path, "wb") as f:
            pickle.dump(good, f)
    elif kind == "truncated":
        np.savez(path, **good)
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
    elif kind == "npy":
        with open(path, "wb") as f:
            np.save(f, np.zeros(3))
    elif kind == "text":
        with open(path, "w") as f:
            f.write("not a checkpoint")


@pytest.mark.parametrize("kind", ["missing", "extra", "shape", "object", "pickle", "truncated",
                                  "npy", "text"])
def test_load_bad_file_raises_clear_error_and_changes_nothing(tmp_path, kind):
    path = str(tmp_path / "bad.npz")
    _write_bad(kind, path, snapshot(make_model(5)))
    model = make_model(0)
    before = snapshot(model)
    with pytest.raises(nn.StateDictError) as info:
        model.load(path)
    message = str(info.value)
    expected = {"missing": "2.bias", "extra": "surprise", "shape": "0.weight"}.get(kind, "bad.npz")
    assert expected in message
    assert_state_equal(model, before)


def test_load_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        make_model().load(tmp_path / "absent.npz")


def test_load_pytorch_state_dict_unchanged():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    reference = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))
    model.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
    expected = reference(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(model(Tensor(x)).data, expected, rtol=1e-5, atol=1e-6)
