"""Checkpoint files: named numpy arrays in an ``.npz``, written atomically, read without pickle."""
import os
import tempfile
import zipfile

import numpy as np

from ..autograd import AutogradError

__all__ = ["StateDictError", "save_arrays", "load_arrays"]


class StateDictError(AutogradError, ValueError):
    """A state dict or checkpoint that does not fit the module (nothing was changed)."""


def save_arrays(arrays, path):
    """Write ``{name: array}`` to ``path`` as ``.npz``: a temporary file, then a rename.

    A crash never leaves a half-written file at ``path``; the name is used as
    given (no ``.npz`` is appended).
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.",
                                    suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            _write_npz(file, arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def _write_npz(file, arrays):
    """``np.savez`` without its reserved keyword names (a parameter may be called ``file``)."""
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)


def load_arrays(path):
    """Read every array of an ``.npz`` checkpoint into a dict, without pickle.

    Raises ``StateDictError`` naming the file for anything that is not a
    readable ``.npz`` of numeric arrays (truncated, pickled objects, ...).
    """
    path = os.fspath(path)
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not named arrays")
        with archive:
            return {key: archive[key] for key in archive.files}
    except FileNotFoundError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise StateDictError(f"load: cannot read {path!r} as an .npz checkpoint of arrays: "
                             f"{exc}; write checkpoints with module.save(path)") from exc
