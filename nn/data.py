"""Mini-batches over arrays: ``TensorDataset`` and a ``DataLoader``-style iterable.

>>> import numpy as np
>>> from graphgrad.nn.data import DataLoader, TensorDataset
>>> X_train, y_train = np.zeros((100, 3), np.float32), np.arange(100)
>>> loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)
>>> [tuple(xb.shape) for xb, yb in loader]   # Tensors; a new shuffle each epoch
[(64, 3), (36, 3)]

Shuffling draws from ``generator`` (a numpy Generator or an int seed) or, by
default, from ``autograd.generator()`` at the start of each epoch, so
``autograd.manual_seed`` makes the batch order repeatable. To split data into
train and test sets, use ``random_split`` (or scikit-learn's ``train_test_split``).

PyTorch's ``torch.utils.data`` names are here with its semantics: ``Dataset``
(``a + b`` concatenates), ``Subset``, ``ConcatDataset``, ``random_split``, the samplers
``SequentialSampler``, ``RandomSampler``, ``SubsetRandomSampler``,
``WeightedRandomSampler``, ``BatchSampler``, and ``DataLoader``'s ``sampler=``,
``batch_sampler=`` and ``collate_fn=``.

For data-parallel training, ``shard=(rank, world_size)`` (or a
``DistributedSampler``) gives every rank a disjoint part of each epoch.

Where the values live: the order of an epoch (shuffles, samplers) is drawn and kept on the
host, as Python integers. Batches of numpy data are assembled on the host as numpy arrays,
as PyTorch's ``DataLoader`` assembles them on the CPU; a ``TensorDataset`` whose arrays
live on a device (``gg.tensor(..., device="cuda")``) gathers each batch on that device
with the device's own ``take`` (only the batch's indices travel there), and a generic
dataset whose items are device arrays is stacked on their device. Nothing is copied to
the host behind the user.
"""
import math
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from typing import Any

import numpy as np

from .. import autograd
from ..autograd import Tensor, backend
from ..autograd.typing import ArrayLike
from ._datasets import ConcatDataset, Dataset, Subset, random_split
from ._samplers import (
    BatchSampler,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from ._validate import positive_int

__all__ = ["TensorDataset", "DataLoader", "DistributedSampler", "Dataset", "Subset",
           "ConcatDataset", "random_split", "SequentialSampler", "RandomSampler",
           "SubsetRandomSampler", "BatchSampler", "WeightedRandomSampler"]


class DistributedSampler:
    """The indices of one rank's part of each epoch, as PyTorch's ``DistributedSampler``.

    Every rank draws the same permutation (seeded by ``seed + epoch``) and takes
    every ``num_replicas``-th index starting at ``rank``, so the parts are
    disjoint and together cover the epoch. Unless ``drop_last``, the
    permutation is padded with its own first indices to a multiple of
    ``num_replicas`` (every rank gets the same number of samples, so the ranks
    run the same number of steps); with ``drop_last`` the tail is dropped.

    Parameters
    ----------
    dataset : sized object or int
        The dataset (or its length).
    num_replicas : int
        The number of ranks.
    rank : int
        This rank, ``0 <= rank < num_replicas``.
    shuffle : bool
        A new permutation every epoch (else the indices in order).
    seed : int
        Must be the same on every rank.
    drop_last : bool

    Example
    -------
    >>> from graphgrad import nn
    >>> sampler = nn.data.DistributedSampler(5, num_replicas=2, rank=1, shuffle=False)
    >>> list(sampler), len(sampler)
    ([1, 3, 0], 3)
    """

    def __init__(self, dataset: Sized | int, num_replicas: int, rank: int, shuffle: bool = True,
                 seed: int = 0, drop_last: bool = False) -> None:
        size = dataset if isinstance(dataset, (int, np.integer)) else len(dataset)
        num_replicas = positive_int("num_replicas", num_replicas, "DistributedSampler")
        if isinstance(rank, bool) or not isinstance(rank, (int, np.integer)) or not (
                0 <= rank < num_replicas):
            raise ValueError(f"DistributedSampler: rank must be an int in [0, {num_replicas}), "
                             f"got {rank!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"DistributedSampler: seed must be an int (the same on every "
                            f"rank), got {type(seed).__name__}")
        self.size, self.num_replicas, self.rank = int(size), int(num_replicas), int(rank)
        self.shuffle, self.seed, self.drop_last = bool(shuffle), int(seed), bool(drop_last)
        self.epoch = 0
        if self.drop_last:
            self.num_samples = self.size // self.num_replicas
        else:
            self.num_samples = math.ceil(self.size / self.num_replicas)

    def set_epoch(self, epoch: int) -> None:
        """Use the permutation of ``epoch`` next (call it with the same value on every rank).

        Without it every epoch repeats the same order. The ranks stay disjoint in each epoch.

        Examples
        --------
        >>> from graphgrad import nn
        >>> ranks = [nn.data.DistributedSampler(6, num_replicas=2, rank=r) for r in (0, 1)]
        >>> [list(s) for s in ranks]
        [[3, 5, 0], [2, 4, 1]]
        >>> for s in ranks:
        ...     s.set_epoch(1)
        >>> [list(s) for s in ranks]
        [[4, 2, 5], [0, 1, 3]]
        """
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return self.num_samples

    def __iter__(self) -> Iterator[int]:
        if self.shuffle:
            generator = autograd.Generator().manual_seed(self.seed + self.epoch)
            order = generator.permutation(self.size).tolist()
        else:
            order = list(range(self.size))
        total = self.num_samples * self.num_replicas
        if total > self.size and self.size:
            # NOTE: repeats from the start, as PyTorch pads
            order = (order * math.ceil(total / self.size))[:total]
        order = order[:total]
        return iter(order[self.rank:total:self.num_replicas])


class TensorDataset(Dataset):
    """Arrays (or Tensors) sharing their first axis; item ``i`` is the tuple of their rows.

    Indexing with an integer array (or a list of ints) returns the tuple of sub-arrays
    (one gather per array, which is how ``DataLoader`` assembles a batch). Arrays stay
    where they are: numpy data on the host, a device array (or a Tensor on a device) on
    its device, where each batch is gathered by the device's library.

    Examples
    --------
    >>> import numpy as np
    >>> from graphgrad import nn
    >>> data = nn.data.TensorDataset(np.arange(6).reshape(3, 2), np.array([10, 11, 12]))
    >>> len(data), data[1]
    (3, (array([2, 3]), np.int64(11)))
    >>> data[np.array([0, 2])][1]
    array([10, 12])
    """

    def __init__(self, *arrays: Tensor | ArrayLike) -> None:
        if not arrays:
            raise ValueError("TensorDataset: give at least one array")
        self.arrays = tuple(a.data if isinstance(a, Tensor) else backend.as_array(a)
                            for a in arrays)
        sizes = [a.shape[0] if a.ndim else None for a in self.arrays]
        if None in sizes or len(set(sizes)) != 1:
            raise ValueError("TensorDataset: all arrays need the same first axis, got shapes "
                             + ", ".join(str(a.shape) for a in self.arrays))

    def __len__(self) -> int:
        return int(self.arrays[0].shape[0])

    def __getitem__(self, index: int | slice | Sequence[int] | np.ndarray
                    ) -> tuple[np.ndarray, ...]:
        return tuple(_rows(a, index) for a in self.arrays)


def _rows(array: Any, index: Any) -> Any:
    """``array[index]`` along the first axis; on another library a gather on its device.

    numpy indexes with numpy's fancy indexing. Another library takes the rows with its
    ``take``, after host indices (a list or numpy array of ints) become an index array on
    the array's device: only the indices travel, never the data.
    """
    if backend.is_numpy(array):
        return array[index]
    if isinstance(index, (int, slice)):
        return array[index, ...]  # the standard spells out the axes it leaves alone
    xp = backend.namespace(array)
    if not backend.is_foreign_array(index):
        rows = index.tolist() if hasattr(index, "tolist") else list(index)
        if isinstance(rows, int):  # a numpy integer: one row
            return array[rows, ...]
        index = xp.asarray(rows, device=array.device)
    return xp.take(array, index, axis=0)


class DataLoader:
    """Iterate over a dataset in mini-batches of Tensors.

    Parameters
    ----------
    dataset : TensorDataset, array, tuple of arrays, or any object with ``__len__``
        and ``__getitem__`` (items are then stacked with their library's ``stack``: numpy
        values on the host, device arrays or Tensors on their device).
    batch_size : int
    shuffle : bool
        A new random order every epoch.
    drop_last : bool
        Skip the last batch if it is smaller than ``batch_size``.
    generator : graphgrad.Generator, numpy.random.Generator or int, optional
        The source of shuffles (an int seeds a private Generator once);
        default ``autograd.generator()``.
    shard : (rank, world_size) or sampler, optional
        Iterate over one rank's part of each epoch. A pair builds a
        ``DistributedSampler`` (seed: ``generator`` when an int, else 0; the
        epoch advances each time the loader is iterated, identically on every
        rank). Any other object is used as a sampler: iterating it gives the
        indices of the epoch (call its ``set_epoch`` yourself, as PyTorch);
        ``shuffle`` must then be False.
    sampler : iterable of int, optional
        The indices of each epoch (e.g. a ``RandomSampler``), as PyTorch's ``sampler=``;
        excludes ``shuffle`` and ``shard``.
    batch_sampler : iterable of lists of int, optional
        The indices of each batch (e.g. a ``BatchSampler``), as PyTorch's;
        excludes ``batch_size``, ``shuffle``, ``sampler``, ``drop_last`` and ``shard``.
    collate_fn : callable, optional
        Called with the list of a batch's items (``dataset[i]``); its result is the batch,
        as is. Default: stack each field into a Tensor.

    Yields
    ------
    tuple of Tensors (or one Tensor for a single array)

    Examples
    --------
    >>> import numpy as np
    >>> from graphgrad import nn
    >>> X, y = np.arange(10.0).reshape(5, 2), np.array([0, 1, 0, 1, 1])
    >>> loader = nn.data.DataLoader((X, y), batch_size=2)
    >>> len(loader), [(xb.shape, yb.numpy().tolist()) for xb, yb in loader]
    (3, [((2, 2), [0, 1]), ((2, 2), [0, 1]), ((1, 2), [1])])
    >>> len(nn.data.DataLoader((X, y), batch_size=2, drop_last=True))
    2
    >>> batches = nn.data.BatchSampler(range(5), 3, drop_last=False)
    >>> labels = lambda items: [int(yi) for _, yi in items]
    >>> list(nn.data.DataLoader((X, y), batch_sampler=batches, collate_fn=labels))
    [[0, 1, 0], [1, 1]]
    """

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, generator: np.random.Generator | int | None = None,
                 shard: tuple[int, int] | Any = None, *, sampler: Iterable[int] | None = None,
                 batch_sampler: Iterable[Sequence[int]] | None = None,
                 collate_fn: Callable[[list[Any]], Any] | None = None) -> None:
        _check_exclusive(batch_size, shuffle, drop_last, shard, sampler, batch_sampler,
                         collate_fn)
        if isinstance(dataset, (tuple, list)) and dataset and all(_is_array(a) for a in dataset):
            dataset = TensorDataset(*dataset)
        elif _is_array(dataset):
            self._single = True
            dataset = TensorDataset(dataset)
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(f"DataLoader: dataset must be an array, a tuple of arrays or an "
                            f"object with __len__ and __getitem__, got {type(dataset).__name__}")
        if generator is not None and (isinstance(generator, bool) or not (
                isinstance(generator, (int, np.integer)) or _is_generator(generator))):
            raise TypeError(f"DataLoader: generator must be a numpy.random.Generator, an int "
                            f"seed or None, got {type(generator).__name__}")
        self.dataset, self.batch_size = dataset, positive_int("batch_size", batch_size,
                                                              "DataLoader")
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)
        self.sampler, self._auto_epoch = self._sampler(shard, generator), 0
        if sampler is not None:
            self.sampler = sampler
        self.batch_sampler, self.collate_fn = batch_sampler, collate_fn
        if isinstance(generator, (int, np.integer)):
            generator = autograd.Generator().manual_seed(int(generator))
        self.generator = generator

    def _sampler(self, shard: tuple[int, int] | Any,
                 generator: np.random.Generator | int | None) -> Any:
        if shard is None:
            return None
        if isinstance(shard, tuple):
            if len(shard) != 2:
                raise ValueError(f"DataLoader: shard must be (rank, world_size) or a sampler, "
                                 f"got a tuple of {len(shard)}")
            if not (generator is None or isinstance(generator, (int, np.integer))):
                raise TypeError("DataLoader: with shard=(rank, world_size) the shuffle must "
                                "be seeded identically on every rank; pass generator=<int "
                                "seed> instead of a numpy Generator")
            rank, world_size = shard
            self._epochs = True
            return DistributedSampler(len(self.dataset), world_size, rank, shuffle=self.shuffle,
                                      seed=0 if generator is None else int(generator))
        if not (hasattr(shard, "__iter__") and hasattr(shard, "__len__")):
            raise TypeError(f"DataLoader: shard must be (rank, world_size) or a sampler with "
                            f"__iter__ and __len__, got {type(shard).__name__}")
        if self.shuffle:
            raise ValueError("DataLoader: shuffle=True with a sampler; the sampler decides "
                             "the order (pass shuffle=False)")
        return shard

    _epochs = False  # NOTE: True when the loader made the sampler and so advances its epoch

    _single = False

    def __len__(self) -> int:
        if self.batch_sampler is not None:
            return len(self.batch_sampler)  # type: ignore[arg-type]
        n = len(self.dataset) if self.sampler is None else len(self.sampler)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    # NOTE: Any: each batch is a Tensor (one array) or a tuple of Tensors
    def __iter__(self) -> Iterator[Any]:
        if self.batch_sampler is not None:
            for index in self.batch_sampler:
                yield self._batch([int(i) for i in index])
            return
        n = len(self.dataset)
        if self.sampler is not None:
            if self._epochs:
                self.sampler.set_epoch(self._auto_epoch)
                self._auto_epoch += 1
            order = [int(i) for i in self.sampler]
        elif self.shuffle:
            rng = self.generator if self.generator is not None else autograd.generator()
            order = rng.permutation(n).tolist()
        else:
            order = list(range(n))
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._batch(order[start:start + self.batch_size])

    def _batch(self, index: list[int]) -> Any:
        if self.collate_fn is not None:
            return self.collate_fn([self.dataset[i] for i in index])
        if isinstance(self.dataset, TensorDataset):
            fields = self.dataset[index]
        else:
            items = [self.dataset[i] for i in index]
            single = not isinstance(items[0], tuple)
            fields = tuple(_stack(column) for column in ([items] if single else zip(*items)))
            if single:
                return Tensor(fields[0])
        tensors = tuple(Tensor(f) for f in fields)
        return tensors[0] if self._single else tensors


def _check_exclusive(batch_size: int, shuffle: bool, drop_last: bool, shard: Any,
                     sampler: Any, batch_sampler: Any, collate_fn: Any) -> None:
    """PyTorch's mutual exclusions of DataLoader's arguments, checked before anything is set."""
    if sampler is not None:
        if shuffle:
            raise ValueError("DataLoader: sampler= is mutually exclusive with shuffle=True; "
                             "the sampler decides the order (pass shuffle=False or a "
                             "RandomSampler)")
        if shard is not None:
            raise ValueError("DataLoader: pass either sampler= or shard=, not both")
        if not hasattr(sampler, "__iter__"):
            raise TypeError(f"DataLoader: sampler must be an iterable of indices, got "
                            f"{type(sampler).__name__}")
    if batch_sampler is not None:
        if batch_size != 1 or shuffle or sampler is not None or drop_last or shard is not None:
            raise ValueError(f"DataLoader: batch_sampler= is mutually exclusive with "
                             f"batch_size, shuffle, sampler, drop_last and shard (got "
                             f"batch_size={batch_size!r}, shuffle={shuffle!r}, drop_last="
                             f"{drop_last!r}); leave them at their defaults")
        if not hasattr(batch_sampler, "__iter__"):
            raise TypeError(f"DataLoader: batch_sampler must be an iterable of lists of "
                            f"indices, got {type(batch_sampler).__name__}")
    if collate_fn is not None and not callable(collate_fn):
        raise TypeError(f"DataLoader: collate_fn must be callable, got "
                        f"{type(collate_fn).__name__}")


def _stack(column: Sequence[Any]) -> Any:
    """The items of one field stacked along a new first axis, by their own library.

    numpy values and Python numbers stack on the host (numpy); device arrays and Tensors on
    a device stack there (all items of a field must share a device: the library refuses
    otherwise).
    """
    arrays = [backend.as_array(x.data if isinstance(x, Tensor) else x) for x in column]
    return backend.namespace(arrays[0]).stack(arrays)


def _is_array(value: Any) -> bool:
    """True for a Tensor or an array of numpy or of a library graphgrad computes with."""
    return isinstance(value, Tensor) or backend.is_array(value)


def _is_generator(value: Any) -> bool:
    """True for a source of shuffles: a ``graphgrad.Generator`` or numpy Generator."""
    return callable(getattr(value, "permutation", None))
