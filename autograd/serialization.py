"""Saving and loading without pickle: ``save(obj, path)`` and ``load(path)``.

The file is an ``.npz`` (a zip of ``.npy`` arrays) written to a temporary file
and renamed, so a crash never leaves half a file. A state dict (names to
Tensors) is stored as plain named arrays, the layout ``nn.Module.save`` writes
and ``numpy.load`` reads; any other object adds one JSON member describing its
nesting (dicts, lists, tuples, strings, numbers, None), and arrays are
referenced from there by member name. Loading reads arrays with
``allow_pickle=False`` and the structure with ``json``: it never runs code.

It lives in autograd (which depends on numpy only) so ``graphgrad.save`` never
imports ``nn``, and so that nn can use it (arrows point down).
NOTE: ``nn/checkpoint.py`` still has its own, hardened writer and reader (issue
17); moving them here so both share one is the next step.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

from . import backend
from .errors import SerializationError
from .tensor import Tensor
from .value import is_value

if TYPE_CHECKING:
    from typing import IO, Any, TypeGuard

__all__ = ["save", "load", "save_arrays", "load_arrays", "write_npy", "read_npy_header",
           "read_npy"]

STRUCTURE = "__graphgrad__.json"
_FORMAT = "graphgrad.save"


def save_arrays(arrays, path, extra=None):
    """Write ``{name: array}`` (and ``extra`` raw members) to ``path`` as ``.npz``, atomically.

    The data goes to a temporary file in the same folder, is flushed to disk,
    and is renamed over ``path``; the name is used as given (no ``.npz`` added).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from graphgrad.autograd import serialization
    >>> path = os.path.join(tempfile.mkdtemp(), "weights.npz")
    >>> serialization.save_arrays({"w": np.eye(2), "b": np.zeros(2)}, path)
    >>> sorted(np.load(path).files)       # a plain .npz: numpy reads it too
    ['b', 'w']
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.",
                                    suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                for key, array in arrays.items():
                    with archive.open(key + ".npy", "w", force_zip64=True) as member:
                        write_npy(member, array)
                for key, data in (extra or {}).items():
                    archive.writestr(key, data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def load_arrays(path):
    """Read an ``.npz`` into ``({name: array}, structure or None)`` without pickle.

    Raises ``SerializationError`` naming the file for anything that is not a
    readable ``.npz`` of numeric arrays (truncated, pickled objects, ...).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from graphgrad.autograd import serialization
    >>> path = os.path.join(tempfile.mkdtemp(), "weights.npz")
    >>> np.savez(path, w=np.eye(2))
    >>> arrays, structure = serialization.load_arrays(path)
    >>> arrays["w"].tolist(), structure   # no structure member: a flat state dict
    ([[1.0, 0.0], [0.0, 1.0]], None)
    >>> bad = os.path.join(os.path.dirname(path), "objects.npy")
    >>> np.save(bad, np.array([object()]), allow_pickle=True)   # pickled objects: refused
    >>> serialization.load_arrays(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    graphgrad.autograd.errors.SerializationError: load: cannot read '...objects.npy' as a ...
    """
    path = os.fspath(path)
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not named arrays")
        with archive:
            names = [key for key in archive.files if key != STRUCTURE]
            arrays = OrderedDict((key, archive[key]) for key in names)
            for key, value in arrays.items():
                if not isinstance(value, np.ndarray):  # numpy hands other members over as bytes
                    raise ValueError(_FOREIGN_MEMBER.format(key=key))
            structure = archive.zip.read(STRUCTURE) if STRUCTURE in archive.files else None
        return arrays, (None if structure is None else json.loads(structure))
    except FileNotFoundError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        # NOTE: numpy reads a file that is neither .npz nor .npy as a pickle and suggests
        # allow_pickle=, an option load does not have (it never unpickles): say what it is not.
        reason = _NOT_NUMPY if "pickled (object) data" in str(exc) else str(exc)
        raise SerializationError(f"load: cannot read {path!r} as a graphgrad/.npz file of "
                                 f"arrays: {reason}") from exc


def write_npy(file: IO[bytes], array: Any) -> None:
    """Write ``array`` to an open binary file in numpy's ``.npy`` format (never a pickle).

    This is where a checkpoint's values cross to the host: an array on a device (or a
    list of numbers) is copied to a numpy array first (``backend.to_host``), explicitly.

    Examples
    --------
    >>> import io
    >>> import graphgrad as gg
    >>> file = io.BytesIO()
    >>> write_npy(file, gg.arange(3.0).data)
    >>> _ = file.seek(0)
    >>> read_npy(file)
    array([0., 1., 2.], dtype=float32)
    """
    np.lib.format.write_array(file, backend.to_host(backend.as_array(array)), allow_pickle=False)


def read_npy_header(file: IO[bytes]) -> tuple[tuple[int, int], tuple[int, ...] | None,
                                              np.dtype | None]:
    """``(version, shape, dtype)`` from the header of a ``.npy`` file, reading nothing else.

    ``shape`` and ``dtype`` are None for a format version other than 1.0 and 2.0 (the
    ones numpy writes for numeric arrays); the file is left just after the header.

    Examples
    --------
    >>> import io
    >>> file = io.BytesIO()
    >>> write_npy(file, np.zeros((2, 3), dtype=np.int32))
    >>> _ = file.seek(0)
    >>> read_npy_header(file)
    ((1, 0), (2, 3), dtype('int32'))
    """
    version = np.lib.format.read_magic(file)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(file)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(file)
    else:
        return version, None, None
    return version, tuple(shape), dtype


def read_npy(file: IO[bytes]) -> np.ndarray:
    """The numpy array of a ``.npy`` file (on the host), refusing pickled objects.

    Examples
    --------
    >>> import io
    >>> file = io.BytesIO()
    >>> write_npy(file, [1.5, 2.5])
    >>> _ = file.seek(0)
    >>> read_npy(file)
    array([1.5, 2.5])
    """
    return np.lib.format.read_array(file, allow_pickle=False)


_FOREIGN_MEMBER = (
    "its member {key!r} is not a numpy array (a torch.save file? its pickles are never loaded: "
    "save the tensors as numpy arrays instead, e.g. numpy.savez(path, **{{k: v.numpy() for k, "
    "v in state_dict.items()}}), which load reads as a state dict)")
_NOT_NUMPY = ("it is neither a .npz archive nor a .npy array (load reads only what save or "
              "numpy.savez wrote, and never unpickles)")


# ------------------------------------------------------------------ save / load
def save(obj: object, path: str | os.PathLike[str]) -> None:
    """Save a state dict or a nested structure of arrays, Tensors, numbers and strings.

    As ``torch.save`` for the things training programs save: ``model.state_dict()``,
    ``optimizer.state_dict()``, ``{"epoch": 3, "model": ..., "optimizer": ...}``.
    No pickle: dicts, lists, tuples, strings, numbers (Python and numpy), None,
    arrays and Tensors are stored; anything else raises ``TypeError``. Arrays and Tensors
    on a device (CuPy, array-api-strict) are copied to the host and stored as numpy
    arrays; ``load(path, map_location=device)`` puts them back on a device.
    The write is atomic (a temporary file, then a rename).

    Parameters
    ----------
    obj : dict, list, tuple, array, Tensor, number, str or None (nested)
    path : str or os.PathLike

    Example
    -------
    >>> import os, tempfile, graphgrad as gg
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.pt")
    >>> gg.save({"epoch": 3, "w": gg.ones(2), "history": [0.5, 0.25]}, path)
    >>> gg.load(path)
    {'epoch': 3, 'w': Tensor([1., 1.], dtype=float32), 'history': [0.5, 0.25]}
    """
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"save: path must be a file name, got {type(path).__name__} (file "
                        "objects are not supported: the write is atomic by renaming)")
    if _is_state_dict(obj):
        save_arrays({key: backend.to_host(value.data) for key, value in obj.items()}, path)
        return
    arrays: dict[str, np.ndarray] = {}
    root = _encode(obj, arrays, "obj")
    document = json.dumps({"format": _FORMAT, "version": 1, "root": root})
    save_arrays(arrays, path, extra={STRUCTURE: document})


def load(path: str | os.PathLike[str], map_location: object = None,
         weights_only: bool | None = None) -> Any:
    """Load what ``save`` wrote (or ``Module.save``, or ``numpy.savez``), never running code.

    Parameters
    ----------
    path : str or os.PathLike
    map_location : device, optional
        Where the loaded Tensors and arrays go, as ``torch.load``'s: None or ``"cpu"``
        (numpy, as stored), or a device (``"cuda:0"``, ``"array_api_strict"``): each
        array is read on the host and copied there. Numbers stay Python or numpy scalars.
        A callable or a dict (torch's remapping forms) is accepted and loads to the CPU.
    weights_only : optional
        Accepted as ``torch.load``'s; loading is always as safe as ``weights_only=True``.

    Returns
    -------
    object
        The saved object: Tensors come back as Tensors, arrays as arrays; a plain
        ``.npz`` of named arrays (a state dict) as an ordered dict of Tensors.

    Raises
    ------
    SerializationError
        For a file that ``save`` or ``numpy.savez`` did not write (a text file, a
        ``torch.save`` checkpoint, a truncated archive), naming the file.

    Examples
    --------
    >>> import os, tempfile
    >>> import graphgrad as gg
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> gg.save({"weight": gg.ones(2, 2), "bias": gg.zeros(2)}, path)
    >>> state = gg.load(path)
    >>> list(state), state["bias"]
    (['weight', 'bias'], Tensor([0., 0.], dtype=float32))
    """
    from .devices import CPU, move, to_device

    where = None
    if map_location is not None and not callable(map_location) \
            and not isinstance(map_location, dict):
        where = to_device("load", map_location)
        if where is not None:
            where.native  # noqa: B018 - a missing library or device fails before reading
            where = None if where == CPU else where
    arrays, structure = load_arrays(path)
    if where is not None:
        arrays = OrderedDict((key, move(array, where)) for key, array in arrays.items())
    if structure is None:
        return OrderedDict((key, Tensor(array)) for key, array in arrays.items())
    if not isinstance(structure, dict) or structure.get("format") != _FORMAT:
        raise SerializationError(f"load: {os.fspath(path)!r} has a {STRUCTURE} member that "
                                 "graphgrad.save did not write")
    return _decode(structure["root"], arrays, path)


def _is_state_dict(obj: object) -> TypeGuard[dict[str, Tensor]]:
    return isinstance(obj, dict) and all(
        isinstance(key, str) and type(value) is Tensor and not value.requires_grad
        for key, value in obj.items())


def _encode(obj, arrays, where):
    """JSON for ``obj``; arrays are stored in ``arrays`` and referenced by name."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, float)) and not isinstance(obj, np.generic):
        return int(obj) if isinstance(obj, int) else float(obj)
    if is_value(obj):
        if not isinstance(obj, Tensor):
            return {"scalar_value": float(obj.data)}
        return {"tensor": _store(backend.to_host(obj.data), arrays, where),
                "requires_grad": obj.requires_grad}
    if isinstance(obj, (np.ndarray, np.generic)):
        kind = "array" if isinstance(obj, np.ndarray) else "numpy_scalar"
        return {kind: _store(np.asarray(obj), arrays, where)}
    if backend.is_foreign_array(obj):  # an optimizer's state on a device: to the host
        return {"array": _store(backend.to_host(obj), arrays, where)}
    if isinstance(obj, dict):
        return {"dict": [[_encode(k, arrays, f"{where} key {k!r}"),
                          _encode(v, arrays, f"{where}[{k!r}]")] for k, v in obj.items()],
                "ordered": isinstance(obj, OrderedDict)}
    if isinstance(obj, (list, tuple)):
        items = [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]
        return {"tuple" if isinstance(obj, tuple) else "list": items}
    hint = ("save its state_dict() instead" if hasattr(obj, "state_dict")
            else "save holds dicts, lists, tuples, strings, numbers, None, arrays and Tensors")
    raise TypeError(f"save: cannot store {type(obj).__name__} at {where}; {hint}")


def _store(array, arrays, where):
    if array.dtype.hasobject:
        raise TypeError(f"save: the array at {where} holds Python objects (dtype "
                        f"{array.dtype}); only numeric, bool and string arrays are stored")
    name = str(len(arrays))
    arrays[name] = array
    return name


def _decode(node, arrays, path):
    if not isinstance(node, dict):
        return node
    if "tensor" in node:
        tensor = Tensor(arrays[node["tensor"]])
        return tensor.requires_grad_() if node.get("requires_grad") else tensor
    if "array" in node:
        return arrays[node["array"]]
    if "numpy_scalar" in node:
        return backend.to_host(arrays[node["numpy_scalar"]])[()]
    if "scalar_value" in node:
        from .scalar import Scalar
        return Scalar(node["scalar_value"])
    if "dict" in node:
        pairs = [(_decode(k, arrays, path), _decode(v, arrays, path)) for k, v in node["dict"]]
        return OrderedDict(pairs) if node.get("ordered") else dict(pairs)
    if "list" in node:
        return [_decode(v, arrays, path) for v in node["list"]]
    if "tuple" in node:
        return tuple(_decode(v, arrays, path) for v in node["tuple"])
    raise SerializationError(f"load: {os.fspath(path)!r} has an entry graphgrad.save does not "
                             f"write: {sorted(node)}")
