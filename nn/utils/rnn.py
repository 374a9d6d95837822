"""Variable-length sequences for the recurrent layers, PyTorch's ``nn.utils.rnn`` forms.

A ``PackedSequence`` stores a batch of sequences of different lengths without
padding: ``data`` is (total, *features), time step by time step, holding at step
t the ``batch_sizes[t]`` sequences still running (sorted by decreasing length).
``RNN``, ``LSTM`` and ``GRU`` take one and return one; their ``h_n`` holds
each sequence's state at its own last step.

>>> import graphgrad as gg
>>> from graphgrad.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
>>> packed = pack_padded_sequence(gg.ones((4, 2, 3)), [4, 2])
>>> packed.batch_sizes.tolist()
[2, 2, 1, 1]
>>> padded, lengths = pad_packed_sequence(packed)
>>> padded.shape, lengths.tolist()
((4, 2, 3), [4, 2])
"""
from typing import NamedTuple

import numpy as np

from ... import autograd
from ...autograd import ShapeError, Tensor

__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
    "pack_sequence"]


class PackedSequence(NamedTuple):
    """``(data, batch_sizes, sorted_indices, unsorted_indices)``, as PyTorch's."""

    data: Tensor
    batch_sizes: np.ndarray
    sorted_indices: np.ndarray | None = None
    unsorted_indices: np.ndarray | None = None


def _as_tensor(x):
    return x if isinstance(x, Tensor) else autograd.tensor(np.asarray(x))


def _lengths(lengths, batch, steps):
    raw = np.asarray(lengths.data if isinstance(lengths, Tensor) else lengths)
    if raw.shape != (batch,) or raw.dtype.kind not in "iu" and not (
            raw.dtype.kind == "f" and np.all(raw == np.round(raw))):
        raise ValueError(f"pack_padded_sequence: lengths must be {batch} integers (one per "
                         f"sequence), got {lengths!r}")
    raw = raw.astype(np.int64)
    if raw.size and (raw.min() < 1 or raw.max() > steps):
        raise ValueError(f"pack_padded_sequence: lengths must be between 1 and the padded "
                         f"length {steps}, got {raw.tolist()}")
    return raw


def pack_padded_sequence(input, lengths, batch_first=False,  # noqa: A002 - PyTorch's name
                         enforce_sorted=True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) of ``lengths``.

    With ``enforce_sorted=True`` the lengths must decrease; otherwise the batch is
    sorted here and ``sorted_indices``/``unsorted_indices`` record the order, so
    ``pad_packed_sequence`` and the layers' ``h_n`` come back in the input's order.
    Differentiable with respect to ``input``.
    """
    input = _as_tensor(input)  # noqa: A001
    if input.ndim < 2:
        raise ShapeError(f"pack_padded_sequence: input of shape {input.shape} needs a time "
                         "and a batch axis")
    if batch_first:
        input = input.swapaxes(0, 1)  # noqa: A001
    steps, batch = input.shape[0], input.shape[1]
    lengths = _lengths(lengths, batch, steps)
    sorted_indices = unsorted_indices = None
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise ValueError(f"pack_padded_sequence: lengths {lengths.tolist()} must be sorted "
                             "in decreasing order when enforce_sorted=True; sort the batch or "
                             "pass enforce_sorted=False")
    else:
        sorted_indices = np.argsort(-lengths, kind="stable")
        unsorted_indices = np.argsort(sorted_indices)
        lengths = lengths[sorted_indices]
    batch_sizes = (lengths[None, :] > np.arange(lengths[0])[:, None]).sum(axis=1)
    time_index = np.repeat(np.arange(len(batch_sizes)), batch_sizes)
    row_index = np.concatenate([np.arange(b) for b in batch_sizes])
    if sorted_indices is not None:
        row_index = sorted_indices[row_index]
    return PackedSequence(input[time_index, row_index], batch_sizes.astype(np.int64),
                          sorted_indices, unsorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo ``pack_padded_sequence``: returns ``(padded, lengths)`` in the original order.

    ``padded`` is (T, B, *) (or (B, T, *)), T = ``total_length`` or the longest
    length; ``lengths`` an int64 array. Differentiable with respect to ``data``.
    """
    data, batch_sizes = sequence.data, np.asarray(sequence.batch_sizes)
    steps, batch = len(batch_sizes), int(batch_sizes[0])
    if total_length is not None and total_length < steps:
        raise ValueError(f"pad_packed_sequence: total_length={total_length} is shorter than "
                         f"the longest sequence ({steps})")
    steps_out = steps if total_length is None else int(total_length)
    lengths = (batch_sizes[None, :] > np.arange(batch)[:, None]).sum(axis=1)
    # Each (t, b) of the padded result reads data[offset_t + b], or a padding row.
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]])
    index = np.full((steps_out, batch), data.shape[0], dtype=np.int64)
    for t, (offset, size) in enumerate(zip(offsets, batch_sizes)):
        index[t, :size] = offset + np.arange(size)
    pad_row = autograd.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    if sequence.unsorted_indices is not None:
        index, lengths = index[:, sequence.unsorted_indices], lengths[sequence.unsorted_indices]
    padded = autograd.concatenate([data, pad_row])[index]
    return (padded.swapaxes(0, 1) if batch_first else padded), lengths.astype(np.int64)


def pad_sequence(sequences, batch_first=False, padding_value=0.0):
    """Stack sequences (L_i, *) into (max L, B, *) (or (B, max L, *)), padded at the end."""
    sequences = [_as_tensor(s) for s in sequences]
    if not sequences:
        raise ValueError("pad_sequence: needs at least one sequence")
    longest = max(s.shape[0] for s in sequences)
    padded = [autograd.pad(s, [(0, longest - s.shape[0])] + [(0, 0)] * (s.ndim - 1),
                           value=padding_value) for s in sequences]
    return autograd.stack(padded, axis=0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted=True) -> PackedSequence:
    """Pack a list of sequences (L_i, *) directly (``pad_sequence`` then pack)."""
    sequences = [_as_tensor(s) for s in sequences]
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)
