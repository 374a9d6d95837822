"""Variable-length sequences for the recurrent layers, PyTorch's ``nn.utils.rnn`` forms.

A ``PackedSequence`` stores a batch of sequences of different lengths without
padding: ``data`` is ``(total, *features)``, time step by time step, holding at step
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

On a device the data stays there; the index bookkeeping (lengths, ``batch_sizes``,
``sorted_indices``, ``unsorted_indices``) lives on the host as numpy int64 arrays, as
PyTorch keeps lengths and ``batch_sizes`` on the CPU: it is computed here with the array
standard's functions on host arrays, and only the gather indices built from it go to the
data's device (as any numpy index array does).
"""
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from ... import autograd
from ...autograd import ShapeError, Tensor, backend
from ...autograd.typing import ArrayLike

__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
    "pack_sequence"]


class PackedSequence(NamedTuple):
    """``(data, batch_sizes, sorted_indices, unsorted_indices)``, as PyTorch's.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn.utils import rnn
    >>> packed = rnn.pack_sequence([gg.tensor([[1.0], [2.0], [3.0]]), gg.tensor([[4.0]])])
    >>> packed.data.data[:, 0].tolist()   # step 0 of both, then the longer one alone
    [1.0, 4.0, 2.0, 3.0]
    >>> packed.batch_sizes.tolist()       # how many sequences run at each step
    [2, 1, 1]
    >>> out, h_n = gg.nn.RNN(1, 2)(packed)   # the recurrent layers take and return one
    >>> type(out).__name__, h_n.shape
    ('PackedSequence', (1, 2, 2))
    """

    data: Tensor
    batch_sizes: np.ndarray
    sorted_indices: np.ndarray | None = None
    unsorted_indices: np.ndarray | None = None


def _as_tensor(x: Tensor | ArrayLike) -> Tensor:
    return x if isinstance(x, Tensor) else autograd.tensor(backend.as_array(x))


def _on_host(values: Tensor | ArrayLike) -> np.ndarray:
    """Index bookkeeping as a host (numpy) array: a device array's values are copied."""
    return backend.to_host(values.data if isinstance(values, Tensor)
                           else backend.as_array(values))


def _lengths(lengths: Tensor | ArrayLike, batch: int, steps: int) -> np.ndarray:
    raw = _on_host(lengths)  # PyTorch too reads lengths on the CPU, from any device
    xp = backend.namespace(raw)
    kind = backend.dtype_kind(raw.dtype)
    if raw.shape != (batch,) or kind not in "iu" and not (
            kind == "f" and bool(xp.all(raw == xp.round(raw)))):
        raise ValueError(f"pack_padded_sequence: lengths must be {batch} integers (one per "
                         f"sequence), got {lengths!r}")
    raw = xp.astype(raw, xp.int64)
    if batch and (int(xp.min(raw)) < 1 or int(xp.max(raw)) > steps):
        raise ValueError(f"pack_padded_sequence: lengths must be between 1 and the padded "
                         f"length {steps}, got {raw.tolist()}")
    return raw


def pack_padded_sequence(input: Tensor | ArrayLike, lengths: Tensor | ArrayLike,  # noqa: A002 - PyTorch's name
                         batch_first: bool = False, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``) of ``lengths``.

    With ``enforce_sorted=True`` the lengths must decrease; otherwise the batch is
    sorted here and ``sorted_indices``/``unsorted_indices`` record the order, so
    ``pad_packed_sequence`` and the layers' ``h_n`` come back in the input's order.
    Differentiable with respect to ``input``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn.utils import rnn
    >>> x = gg.tensor([[[0.0], [1.0]], [[2.0], [9.0]], [[4.0], [9.0]]], requires_grad=True)
    >>> packed = rnn.pack_padded_sequence(x, [3, 1])   # (T=3, B=2, 1); the 9s are padding
    >>> packed.data.data[:, 0].tolist(), packed.batch_sizes.tolist()
    ([0.0, 1.0, 2.0, 4.0], [2, 1, 1])
    >>> packed.data.sum().backward(); x.grad.data[..., 0].tolist()   # padding gets no gradient
    [[1.0, 1.0], [1.0, 0.0], [1.0, 0.0]]
    """
    padded = _as_tensor(input)
    if padded.ndim < 2:
        raise ShapeError(f"pack_padded_sequence: input of shape {padded.shape} needs a time "
                         "and a batch axis")
    if batch_first:
        padded = padded.swapaxes(0, 1)
    steps, batch = padded.shape[0], padded.shape[1]
    sizes = _lengths(lengths, batch, steps)
    xp = backend.namespace(sizes)  # the host's: index bookkeeping (see the module's docstring)
    sorted_indices = unsorted_indices = None
    if enforce_sorted:
        if bool(xp.any(sizes[1:] > sizes[:-1])):
            raise ValueError(f"pack_padded_sequence: lengths {sizes.tolist()} must be sorted "
                             "in decreasing order when enforce_sorted=True; sort the batch or "
                             "pass enforce_sorted=False")
    else:
        sorted_indices = xp.argsort(-sizes, stable=True)
        unsorted_indices = xp.argsort(sorted_indices)
        sizes = xp.take(sizes, sorted_indices)
    batch_sizes = xp.sum(sizes[None, :] > xp.arange(int(sizes[0]))[:, None], axis=1)
    # the packed rows: step t holds rows 0 .. batch_sizes[t] - 1 of the (sorted) batch
    time_index = xp.repeat(xp.arange(batch_sizes.shape[0]), batch_sizes)
    starts = xp.cumulative_sum(batch_sizes, include_initial=True)
    row_index = xp.arange(time_index.shape[0]) - xp.take(starts, time_index)
    if sorted_indices is not None:
        row_index = xp.take(sorted_indices, row_index)
    return PackedSequence(padded[time_index, row_index], xp.astype(batch_sizes, xp.int64),
                          sorted_indices, unsorted_indices)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, np.ndarray]:
    """Undo ``pack_padded_sequence``: returns ``(padded, lengths)`` in the original order.

    ``padded`` is ``(T, B, *)`` (or ``(B, T, *)``), T = ``total_length`` or the longest
    length; ``lengths`` an int64 array. Differentiable with respect to ``data``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn.utils import rnn
    >>> short, long = gg.tensor([[4.0]]), gg.tensor([[1.0], [2.0], [3.0]])
    >>> packed = rnn.pack_sequence([short, long], enforce_sorted=False)
    >>> padded, lengths = rnn.pad_packed_sequence(packed, batch_first=True)
    >>> padded.data[..., 0].tolist(), lengths.tolist()   # back in the given order
    ([[4.0, 0.0, 0.0], [1.0, 2.0, 3.0]], [1, 3])
    """
    data, batch_sizes = sequence.data, _on_host(sequence.batch_sizes)
    xp = backend.namespace(batch_sizes)  # the host's: index bookkeeping
    steps, batch = batch_sizes.shape[0], int(batch_sizes[0])
    if total_length is not None and total_length < steps:
        raise ValueError(f"pad_packed_sequence: total_length={total_length} is shorter than "
                         f"the longest sequence ({steps})")
    steps_out = steps if total_length is None else int(total_length)
    lengths = xp.sum(batch_sizes[None, :] > xp.arange(batch)[:, None], axis=1)
    # Each (t, b) of the padded result reads data[start_t + b], or the padding row after data.
    starts = xp.cumulative_sum(batch_sizes, include_initial=True)[:-1, None]
    rows = xp.arange(batch)[None, :]
    index = xp.where(rows < batch_sizes[:, None], starts + rows, data.shape[0])
    index = backend.pad(index, ((0, steps_out - steps), (0, 0)), value=data.shape[0])
    pad_row = autograd.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype,
                            device=data.device)
    if sequence.unsorted_indices is not None:
        unsorted = _on_host(sequence.unsorted_indices)
        index, lengths = xp.take(index, unsorted, axis=1), xp.take(lengths, unsorted)
    padded = autograd.concatenate([data, pad_row])[index]
    return (padded.swapaxes(0, 1) if batch_first else padded), xp.astype(lengths, xp.int64)


def pad_sequence(sequences: Iterable[Tensor | ArrayLike], batch_first: bool = False,
                 padding_value: float = 0.0) -> Tensor:
    """Stack sequences ``(L_i, *)`` into ``(max L, B, *)`` (``(B, max L, *)``), padded at the end.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn.utils import rnn
    >>> a, b = gg.tensor([[1.0], [2.0], [3.0]]), gg.tensor([[4.0]])
    >>> rnn.pad_sequence([a, b]).shape                   # (max L, B, features)
    (3, 2, 1)
    >>> rnn.pad_sequence([a, b], batch_first=True, padding_value=-1.0).data[..., 0].tolist()
    [[1.0, 2.0, 3.0], [4.0, -1.0, -1.0]]
    """
    tensors = [_as_tensor(s) for s in sequences]
    if not tensors:
        raise ValueError("pad_sequence: needs at least one sequence")
    longest = max(s.shape[0] for s in tensors)
    padded = [autograd.pad(s, [(0, longest - s.shape[0])] + [(0, 0)] * (s.ndim - 1),
                           value=padding_value) for s in tensors]
    return autograd.stack(padded, axis=0 if batch_first else 1)


def pack_sequence(sequences: Iterable[Tensor | ArrayLike],
                  enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)`` directly (``pad_sequence`` then pack).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn.utils import rnn
    >>> short, long = gg.tensor([[4.0]]), gg.tensor([[1.0], [2.0], [3.0]])
    >>> rnn.pack_sequence([long, short]).batch_sizes.tolist()
    [2, 1, 1]
    >>> packed = rnn.pack_sequence([short, long], enforce_sorted=False)   # any order
    >>> packed.sorted_indices.tolist(), packed.data.data[:, 0].tolist()
    ([1, 0], [1.0, 4.0, 2.0, 3.0])
    """
    tensors = [_as_tensor(s) for s in sequences]
    lengths = [s.shape[0] for s in tensors]
    return pack_padded_sequence(pad_sequence(tensors), lengths, enforce_sorted=enforce_sorted)
