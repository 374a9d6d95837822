"""Reading checkpoints safely: everything is checked from the archive's headers first.

An ``.npz`` is a zip of ``.npy`` members. Before any array data is read,
``read_checkpoint`` checks, from headers only: the member count (from the
zip's end record, before the central directory is parsed), each member's
name against the module's keys, its compression method and ratio, and its
``.npy`` header (dtype, shape, and that the declared size is the size the
member holds and the module's parameter has). Only then does it read the
members that will be loaded. Pickle is never allowed. Every refusal is a
``StateDictError`` naming the file and the key, and nothing was changed.

The arrays read are numpy arrays on the host; ``Module.load`` copies each to the device
of the parameter or buffer it fills.
"""
import math
import os
import struct
import zipfile
import zlib
from collections.abc import Mapping
from typing import BinaryIO

import numpy as np

from ..autograd import AutogradError, serialization
from ..autograd.typing import Shape

__all__ = ["StateDictError", "load_arrays", "read_checkpoint"]

MAX_MEMBERS = 100_000
"""Default limit on the number of arrays in a checkpoint (``max_members=``)."""
MAX_RATIO = 200
"""Default limit on a member's uncompressed/compressed size when no parameter bounds it."""

_READ_ERRORS = (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError, zlib.error,
                struct.error, NotImplementedError, OverflowError)
_END = struct.Struct("<4s4H2LH")        # end of central directory record
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")
_SMALLEST_ENTRY = 46                    # bytes of a central-directory entry with no name


class StateDictError(AutogradError, ValueError):
    """A state dict or checkpoint that does not fit the module (nothing was changed).

    Every problem is listed in one message: missing and unexpected keys, wrong shapes.
    Also a ``ValueError``.

    Examples
    --------
    >>> import numpy as np
    >>> from graphgrad import nn
    >>> layer = nn.Linear(2, 1)
    >>> try:
    ...     layer.load_state_dict({"weight": np.zeros((3, 3))})
    ... except nn.StateDictError as error:
    ...     print(error)
    Error(s) in loading state_dict for Linear (nothing was changed):
      missing key(s): 'bias'
      weight: shape (3, 3) in the checkpoint, (1, 2) in the module
    """


def load_arrays(path: str | os.PathLike[str], expected: Mapping[str, Shape] | None = None,
                strict: bool = True, max_members: int = MAX_MEMBERS,
                max_ratio: float = MAX_RATIO) -> dict[str, np.ndarray]:
    """Read the arrays of an ``.npz`` checkpoint into a dict, checking headers first.

    See ``read_checkpoint``; this returns only the arrays.
    """
    return read_checkpoint(path, expected, strict, max_members, max_ratio)[0]


def read_checkpoint(path: str | os.PathLike[str], expected: Mapping[str, Shape] | None = None,
                    strict: bool = True, max_members: int = MAX_MEMBERS,
                    max_ratio: float = MAX_RATIO) -> tuple[dict[str, np.ndarray], list[str]]:
    """Check an ``.npz`` from its headers, then read the members that will be loaded.

    Parameters
    ----------
    path : str or os.PathLike
    expected : dict, optional
        ``{key: shape}`` of the module. Members must then have exactly these
        shapes; keys the module lacks are refused (``strict``) or skipped
        unread, and keys the archive lacks are refused when ``strict``.
    strict : bool
    max_members : int
        Archives with more members are refused before their index is read.
    max_ratio : float
        A member no parameter bounds may inflate at most this many times
        (deflate's own limit is about 1032).

    Returns
    -------
    tuple
        ``({key: array}, unexpected_keys)``.
    """
    path = os.fspath(path)
    with open(path, "rb") as file:
        try:
            _check_member_count(file, max_members, path)
            with zipfile.ZipFile(file) as archive:
                plan, unexpected = _plan(archive, expected, strict, max_ratio, path)
                return {key: _read(archive, info, path, key) for key, info in plan.items()}, \
                    unexpected
        except StateDictError:
            raise
        except _READ_ERRORS as exc:
            raise _refusal(path, None, f"cannot be read as an .npz checkpoint of arrays ({exc})"
                           "; write checkpoints with module.save(path)") from exc


def _refusal(path: str, key: str | None, reason: str) -> StateDictError:
    where = f" member {key!r}" if key is not None else ""
    return StateDictError(f"load: {path!r}{where} {reason} (nothing was changed)")


def _check_member_count(file: BinaryIO, max_members: int, path: str) -> None:
    """Refuse a zip whose end record announces more than ``max_members`` members."""
    size = file.seek(0, os.SEEK_END)
    tail_start = max(0, size - _END.size - 0xFFFF)
    file.seek(tail_start)
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END.size:
        raise zipfile.BadZipFile("no zip end record: not an .npz file")
    (_, _, _, _, count, directory, _, _) = _END.unpack_from(tail, at)
    locator = at - _END64_LOCATOR.size
    if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
        offset = _END64_LOCATOR.unpack_from(tail, locator)[2]
        file.seek(offset)
        record = file.read(_END64.size)
        if len(record) == _END64.size and record[:4] == b"PK\x06\x06":
            count, directory = _END64.unpack(record)[7:9]
    file.seek(0)
    if count > max_members or directory > max_members * (_SMALLEST_ENTRY + 1024):
        raise _refusal(path, None, f"holds {count} members ({directory} bytes of index), "
                                   f"more than the limit of {max_members}; pass max_members= "
                                   "to allow more")


def _plan(archive: zipfile.ZipFile, expected: Mapping[str, Shape] | None, strict: bool,
          max_ratio: float, path: str) -> tuple[dict[str, zipfile.ZipInfo], list[str]]:
    """``{key: ZipInfo}`` of the members to read, after checking every header."""
    infos: dict[str, zipfile.ZipInfo] = {}
    keys: list[str] = []
    problems: list[str] = []
    for info in archive.infolist():
        if not info.filename.endswith(".npy"):
            raise _refusal(path, info.filename, "is not a .npy array")
        key = info.filename[:-4]
        if key in infos:
            raise _refusal(path, key, "appears twice")
        infos[key] = info
        keys.append(key)
    unexpected = [k for k in keys if expected is not None and k not in expected]
    if expected is not None and strict:
        missing = [k for k in expected if k not in infos]
        for kind, listed in (("missing", missing), ("unexpected", unexpected)):
            if listed:
                problems.append(f"{kind} key(s): " + ", ".join(repr(k) for k in listed))
    skipped = set(unexpected)
    plan = {k: infos[k] for k in keys if k not in skipped}
    for key, info in plan.items():
        shape = None if expected is None else tuple(expected[key])
        problem = _check_member(archive, info, shape, max_ratio)
        if problem:
            problems.append(f"{key}: {problem}")
    if problems:
        raise StateDictError(f"load: {path!r} was refused (nothing was changed):\n  "
                             + "\n  ".join(problems))
    return plan, unexpected


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shape: Shape | None,
                  max_ratio: float) -> str | None:
    """What is wrong with one member, from its zip and .npy headers, or None."""
    if info.flag_bits & 0x1:
        return "is encrypted"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"uses compression method {info.compress_type} (only stored or deflated)"
    if shape is None and info.file_size > max(2 ** 20, max_ratio * info.compress_size):
        return (f"inflates {info.compress_size} bytes to {info.file_size} "
                f"(more than {max_ratio} times); pass max_ratio= to allow it")
    with archive.open(info) as member:
        version, declared, dtype = serialization.read_npy_header(member)
        if declared is None or dtype is None:
            return f"has .npy format version {version} (only 1.0 and 2.0 are read)"
        header = member.tell()
    if dtype.kind not in "fiub" or dtype.hasobject:
        return f"has dtype {dtype}, expected numbers"
    if shape is not None and tuple(declared) != shape:
        return f"shape {tuple(declared)} in the checkpoint, {shape} in the module"
    size = math.prod(declared) * dtype.itemsize
    if size != info.file_size - header:
        return (f"declares shape {tuple(declared)} ({size} bytes of {dtype}) but holds "
                f"{info.file_size - header} bytes")
    return None


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str,
          key: str) -> np.ndarray:
    try:
        with archive.open(info) as member:
            return serialization.read_npy(member)
    except _READ_ERRORS as exc:
        raise _refusal(path, key, f"cannot be read ({exc})") from exc
