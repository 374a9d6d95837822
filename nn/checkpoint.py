"""Writing checkpoints: named numpy arrays in an ``.npz``, written atomically.

``save_arrays`` writes to a temporary file beside the target and renames it
over the target, so a crash never leaves a half-written checkpoint. It keeps
what the user set on the target: a read-only file is refused, the file's mode
is kept (a new file gets the umask's), and a symlink is written through to
the file it points to. Temporaries are named ``.NAME.PID.RANDOM.tmp``: those
a crashed save left behind (their process is gone) are removed by the next
save of the same target. Reading is in ``checkpoint_read.py``.

Checkpoints live on the host: an array on a device is copied to a numpy array as it is
written (``serialization.write_npy``, explicitly); loading into a module copies each value
to the device of the parameter it fills (``Module.load_state_dict``).
"""
import os
import re
import secrets
import stat
import threading
import zipfile
from collections.abc import Mapping
from typing import BinaryIO

import numpy as np

from ..autograd import AutogradError, serialization
from .checkpoint_read import MAX_MEMBERS, StateDictError, load_arrays, read_checkpoint  # noqa: F401

_IN_USE: set[str] = set()  # temporaries this process is writing right now (other threads may save)
_IN_USE_LOCK = threading.Lock()

__all__ = ["StateDictError", "ReadOnlyCheckpointError", "save_arrays", "load_arrays",
           "read_checkpoint"]


class ReadOnlyCheckpointError(AutogradError, PermissionError):
    """``save`` refused to replace a checkpoint file that has no write permission.

    Also a ``PermissionError``; the message names the path, its mode and the fix.

    Examples
    --------
    >>> import os, stat, tempfile
    >>> from graphgrad import nn
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "model.npz")
    >>> nn.Linear(2, 1).save(path)
    >>> os.chmod(path, stat.S_IRUSR)  # read-only
    >>> try:
    ...     nn.Linear(2, 1).save(path)
    ... except nn.ReadOnlyCheckpointError as error:
    ...     print(str(error).replace(path, "model.npz"))
    save: 'model.npz' is read-only (mode -r--------); make it writable (chmod u+w)
    or save to another path
    >>> folder.cleanup()
    """


def save_arrays(arrays: Mapping[str, np.ndarray], path: str | os.PathLike[str]) -> None:
    """Write ``{name: array}`` to ``path`` as ``.npz``: a temporary file, then a rename.

    A crash never leaves a half-written file at ``path``; the name is used as
    given (no ``.npz`` is appended). A read-only ``path`` raises
    ``ReadOnlyCheckpointError``; an existing file keeps its mode, a new one
    gets the umask's; a symlink is written through. Errors name ``path``,
    never the temporary file.
    """
    path = os.fspath(path)
    target = os.path.realpath(path)  # through symlinks: the link itself stays
    old = _existing(target)
    if old is not None and (not old.st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise ReadOnlyCheckpointError(
            f"save: {path!r} is read-only (mode {stat.filemode(old.st_mode)}); make it "
            "writable (chmod u+w) or save to another path")
    folder, name = os.path.split(target)
    _remove_stale_temporaries(folder, name)
    temp = os.path.join(folder, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    with _IN_USE_LOCK:
        _IN_USE.add(temp)
    try:
        _write_file(temp, arrays, old)
        os.replace(temp, target)
        _sync_folder(folder)
    except BaseException as exc:
        if os.path.exists(temp):
            os.remove(temp)
        if isinstance(exc, OSError) and temp in (exc.filename, exc.filename2):
            raise OSError(exc.errno, f"save: cannot write {path!r}: {exc.strerror}",
                          path) from None
        raise
    finally:
        with _IN_USE_LOCK:
            _IN_USE.discard(temp)


def _existing(target: str) -> os.stat_result | None:
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None


def _write_file(temp: str, arrays: Mapping[str, np.ndarray],
                old: os.stat_result | None) -> None:
    # NOTE: mode 0o666 lets the kernel apply the umask to a new file (mkstemp gives 0600)
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
    with os.fdopen(handle, "wb") as file:
        if old is not None:
            os.chmod(temp, stat.S_IMODE(old.st_mode))
            _keep_owner(temp, old)
        _write_npz(file, arrays)
        file.flush()
        os.fsync(file.fileno())


def _keep_owner(temp: str, old: os.stat_result) -> None:
    if hasattr(os, "chown") and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.chown(temp, old.st_uid, old.st_gid)
        except OSError:  # not allowed (not root): the file is ours, as any new file
            pass


def _sync_folder(folder: str) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; the rename is still atomic
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _write_npz(file: BinaryIO, arrays: Mapping[str, np.ndarray]) -> None:
    """``np.savez`` without its reserved keyword names (a parameter may be called ``file``).

    Arrays on a device come to the host here (``serialization.write_npy``).
    """
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as member:
                serialization.write_npy(member, array)


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Delete ``.NAME.PID.RANDOM.tmp`` files of ``name`` that no running save owns."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d+)\.[0-9a-f]{{8}}\.tmp")
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry)
        if not match:
            continue
        temp = os.path.join(folder, entry)
        with _IN_USE_LOCK:
            if temp in _IN_USE or not _is_stale(temp, int(match.group(1))):
                continue
        try:
            os.remove(temp)
        except OSError:  # gone already, or not ours to remove: leave it
            pass


def _is_stale(temp: str, pid: int) -> bool:
    """True when the process that wrote ``temp`` cannot be writing it any more."""
    if pid == os.getpid():
        return True  # not in _IN_USE: a save of this process that did not finish
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        pass  # a live process of another user (or no kill on this platform)
    started = _process_start_time(pid)
    try:
        written = os.stat(temp).st_mtime
    except OSError:
        return False
    # NOTE: a recycled pid: the live process started after the file was last written
    return started is not None and started > written + 1.0


def _process_start_time(pid: int) -> float | None:
    """Start of process ``pid`` in seconds since the epoch (Linux /proc), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            fields = file.read().rsplit(b")", 1)[1].split()
        with open("/proc/stat", "rb") as file:
            boot = next(int(line.split()[1]) for line in file if line.startswith(b"btime"))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None
