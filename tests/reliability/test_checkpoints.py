"""Checkpoints: loading never unpickles, bad files change nothing, saving is atomic.

``Module.save`` writes the ``.npz`` to a temporary file in the same folder and
renames it over the target; ``Module.load`` reads with ``allow_pickle=False``
and checks everything before assigning anything.
"""
import io
import os
import stat
import subprocess
import sys
import time
import tracemalloc
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


# ---------------------------------------------------------------- hostile archives (issue 17)
def _npy_header(shape, descr="<f4"):
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def _archive(path, members, compression=zipfile.ZIP_STORED):
    """Write ``{name: bytes or iterable of byte chunks}`` as a zip, streaming the chunks."""
    with zipfile.ZipFile(path, "w", compression, allowZip64=True) as archive:
        for name, content in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in ([content] if isinstance(content, bytes) else content):
                    member.write(chunk)


def _npy_bytes(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array))
    return buffer.getvalue()


def _zeros_member(total_bytes, chunk=2 ** 20):
    yield _npy_header((total_bytes // 8,), "<f8")
    for _ in range(total_bytes // chunk):
        yield bytes(chunk)


def _hostile(kind, good, tmp_path):
    """A hostile checkpoint built small on disk; returns (path, text the error must hold)."""
    path = tmp_path / f"{kind}.npz"
    members = {k + ".npy": _npy_bytes(v) for k, v in good.items()}
    if kind == "bomb-unexpected-key":  # ~200 KB on disk, 200 MB inflated, never read
        members["evil.npy"] = _zeros_member(200 * 2 ** 20)
        _archive(path, members, zipfile.ZIP_DEFLATED)
        return path, "evil"
    if kind == "bomb-as-parameter":  # right name, 64 MB declared for a (4, 3) weight
        members["0.weight.npy"] = _zeros_member(64 * 2 ** 20)
        _archive(path, members, zipfile.ZIP_DEFLATED)
        return path, "0.weight"
    if kind == "huge-declared-shape":  # (10^7, 10^7) floats: 400 TB if allocated
        members["0.weight.npy"] = _npy_header((10 ** 7, 10 ** 7)) + bytes(48)
    elif kind == "size-lies":  # header says (4, 3) float32, the member holds 12 bytes
        members["0.weight.npy"] = _npy_header((4, 3)) + bytes(12)
    elif kind == "trailing-bytes":
        members["0.weight.npy"] = _npy_bytes(good["0.weight"]) + bytes(4096)
    elif kind == "too-many-members":
        members.update({f"x{i}.npy": _npy_bytes(np.zeros(1)) for i in range(60)})
    elif kind == "not-npy-member":
        members["script.py"] = b"print('hi')\n"
    elif kind == "object-header":
        members["0.weight.npy"] = _npy_header((4, 3), "|O") + bytes(96)
    _archive(path, members)
    return path, {"too-many-members": "limit of 50", "not-npy-member": "script.py"}.get(
        kind, "0.weight")


@pytest.mark.parametrize("kind", ["bomb-unexpected-key", "bomb-as-parameter",
                                  "huge-declared-shape", "size-lies", "trailing-bytes",
                                  "too-many-members", "not-npy-member", "object-header"])
def test_hostile_archive_refused_from_headers_naming_file_and_key(tmp_path, kind):
    victim = make_model()
    path, key = _hostile(kind, params_of(victim), tmp_path)
    before = params_of(victim)
    tracemalloc.start()
    try:
        with pytest.raises(StateDictError) as info:
            victim.load(path, max_members=50)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2 ** 20, f"refusing {kind} allocated {peak} bytes"
    message = str(info.value)
    assert str(path) in message and key in message, message
    assert_unchanged(victim, before)


def test_strict_false_skips_an_unexpected_bomb_unread(tmp_path):
    victim = make_model()
    good = params_of(victim)
    path, _ = _hostile("bomb-unexpected-key", good, tmp_path)
    other = make_model()
    for p in other.parameters():
        p.data = p.data + 1.0
    tracemalloc.start()
    try:
        report = other.load(path, strict=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2 ** 20
    assert report.unexpected_keys == ["evil"] and report.missing_keys == []
    assert_unchanged(other, good)


def test_load_arrays_without_a_model_refuses_an_absurd_ratio(tmp_path):
    from graphgrad.nn.checkpoint import load_arrays

    path, _ = _hostile("bomb-unexpected-key", params_of(make_model()), tmp_path)
    with pytest.raises(StateDictError, match=r"evil: inflates .*more than 200 times"):
        load_arrays(path)
    model = make_model()
    np.savez_compressed(tmp_path / "zeros.npz", w=np.zeros((512, 512), np.float32))
    assert load_arrays(tmp_path / "zeros.npz", max_ratio=10 ** 4)["w"].shape == (512, 512)
    with pytest.raises(StateDictError, match="w: inflates"):
        load_arrays(tmp_path / "zeros.npz")
    assert params_of(model).keys() == load_arrays(model_file(model, tmp_path)).keys()


def model_file(model, folder):
    model.save(folder / "plain.npz")
    return folder / "plain.npz"


def test_member_limit_is_checked_before_the_index_is_read(tmp_path, monkeypatch):
    path, _ = _hostile("too-many-members", params_of(make_model()), tmp_path)

    def no_index(*args, **kwargs):
        raise AssertionError("the zip index was parsed before the member count was checked")

    monkeypatch.setattr(zipfile, "ZipFile", no_index)
    with pytest.raises(StateDictError, match="holds 64 members"):
        make_model().load(path, max_members=50)


def test_compressed_checkpoint_from_numpy_still_loads(tmp_path):
    model = make_model()
    path = tmp_path / "compressed.npz"
    np.savez_compressed(path, **params_of(model))
    other = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    report = other.load(path)
    assert report.missing_keys == [] and report.unexpected_keys == []
    assert_unchanged(other, params_of(model))


# ---------------------------------------------------------------- protections of the target
@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_save_refuses_a_read_only_checkpoint(model_and_file):
    model, path = model_and_file
    old = path.read_bytes()
    os.chmod(path, 0o444)
    try:
        with pytest.raises(nn.ReadOnlyCheckpointError, match=r"model\.npz.* is read-only") as info:
            model.save(path)
        assert isinstance(info.value, PermissionError)
        assert path.read_bytes() == old
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o444
        assert sorted(os.listdir(path.parent)) == ["model.npz"]
    finally:
        os.chmod(path, 0o644)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_save_keeps_the_target_mode(model_and_file, mode):
    model, path = model_and_file
    os.chmod(path, mode)
    model.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode


@pytest.mark.skipif(os.name != "posix", reason="POSIX umask")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_checkpoint_gets_the_umask_mode(tmp_path, umask):
    previous = os.umask(umask)
    try:
        make_model().save(tmp_path / "new.npz")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(tmp_path / "new.npz").st_mode) == 0o666 & ~umask


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_save_writes_through_a_symlink(tmp_path):
    real = tmp_path / "store" / "weights.npz"
    real.parent.mkdir()
    make_model().save(real)
    link = tmp_path / "latest.npz"
    link.symlink_to(real)
    model = make_model()
    for p in model.parameters():
        p.data = p.data * 3.0
    model.save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    other = make_model()
    other.load(real)
    assert_unchanged(other, params_of(model))
    assert sorted(os.listdir(real.parent)) == ["weights.npz"]


# ---------------------------------------------------------------- temporaries of crashed saves
def _dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_of_the_target_are_removed_by_the_next_save(model_and_file):
    model, path = model_and_file
    folder = path.parent
    stale = [folder / f".model.npz.{_dead_pid()}.0badc0de.tmp",
             folder / f".model.npz.{os.getpid()}.12345678.tmp"]
    kept = [folder / f".model.npz.{os.getppid()}.abcdef12.tmp",  # a live process's save
            folder / f".other.npz.{_dead_pid()}.0badc0de.tmp",   # another target's
            folder / ".model.npz.abc.tmp", folder / "notes.txt"]  # not our pattern
    for file in stale + kept:
        file.write_bytes(b"partial")
    model.save(path)
    left = sorted(os.listdir(folder))
    assert left == sorted(["model.npz"] + [f.name for f in kept]), left


def test_save_error_names_the_target_not_the_temporary(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    real_open = os.open

    def full_disk(name, *args, **kwargs):
        if os.fspath(name).endswith(".tmp"):
            raise OSError(28, "No space left on device", os.fspath(name))
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", full_disk)
    with pytest.raises(OSError) as info:
        make_model().save(path)
    assert info.value.filename == str(path) and ".tmp" not in str(info.value)
    assert info.value.errno == 28 and "No space left" in str(info.value)


_SAVER = """
import sys
import numpy as np
from graphgrad import nn
model = nn.Linear(512, 512)
states = [{k: v.data * 0 + value for k, v in model.state_dict().items()} for value in (1, 2)]
print("ready", flush=True)
i = 0
while True:
    model.load_state_dict(states[i % 2])
    model.save(sys.argv[1])
    i += 1
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_kill_during_save_keeps_the_old_file_and_next_save_cleans_up(tmp_path):
    import signal

    path = tmp_path / "model.npz"
    model = nn.Linear(512, 512)
    model.save(path)
    valid = {path.read_bytes()}
    for value in (1, 2):
        for p in model.parameters():
            p.data = p.data * 0 + value
        other = tmp_path / "expected.npz"
        model.save(other)
        valid.add(other.read_bytes())
        other.unlink()
    rng = np.random.default_rng(0)
    leftovers = 0
    for _ in range(24):
        child = subprocess.Popen([sys.executable, "-c", _SAVER, str(path)],
                                 stdout=subprocess.PIPE)
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        assert path.read_bytes() in valid, "a killed save damaged the checkpoint"
        leftovers += len([n for n in os.listdir(tmp_path) if n.endswith(".tmp")])
        nn.Linear(512, 512).load(path)
    model.save(path)
    assert os.listdir(tmp_path) == ["model.npz"], os.listdir(tmp_path)
    print(f"temporaries seen after kills: {leftovers}")
