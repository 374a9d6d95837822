"""Mini-batches over numpy arrays: ``TensorDataset`` and a ``DataLoader``-style iterable.

>>> loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)
>>> for xb, yb in loader:            # Tensors; a new shuffle each epoch
...     loss = criterion(model(xb), yb)

Shuffling draws from ``generator`` (a numpy Generator or an int seed) or, by
default, from ``autograd.generator()`` at the start of each epoch, so
``autograd.manual_seed`` makes the batch order repeatable. To split data into
train and test sets, use scikit-learn's ``train_test_split``.
"""
import math

import numpy as np

from .. import autograd
from ..autograd import Tensor
from ._validate import positive_int

__all__ = ["TensorDataset", "DataLoader"]


class TensorDataset:
    """Arrays (or Tensors) sharing their first axis; item ``i`` is the tuple of their rows.

    Indexing with an integer array returns the tuple of sub-arrays (one fancy
    index per array, which is how ``DataLoader`` gathers a batch).
    """

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset: give at least one array")
        self.arrays = tuple(a.data if isinstance(a, Tensor) else np.asarray(a) for a in arrays)
        sizes = [len(a) if a.ndim else None for a in self.arrays]
        if None in sizes or len(set(sizes)) != 1:
            raise ValueError("TensorDataset: all arrays need the same first axis, got shapes "
                             + ", ".join(str(a.shape) for a in self.arrays))

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        return tuple(a[index] for a in self.arrays)


class DataLoader:
    """Iterate over a dataset in mini-batches of Tensors.

    Parameters
    ----------
    dataset : TensorDataset, array, tuple of arrays, or any object with ``__len__``
        and ``__getitem__`` (items are then stacked with ``np.stack``).
    batch_size : int
    shuffle : bool
        A new random order every epoch.
    drop_last : bool
        Skip the last batch if it is smaller than ``batch_size``.
    generator : numpy.random.Generator or int, optional
        The source of shuffles (an int seeds a private Generator once);
        default ``autograd.generator()``.

    Yields
    ------
    tuple of Tensors (or one Tensor for a single array)
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, generator=None):
        if isinstance(dataset, (tuple, list)) and dataset and all(
                isinstance(a, (np.ndarray, Tensor)) for a in dataset):
            dataset = TensorDataset(*dataset)
        elif isinstance(dataset, (np.ndarray, Tensor)):
            self._single = True
            dataset = TensorDataset(dataset)
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(f"DataLoader: dataset must be an array, a tuple of arrays or an "
                            f"object with __len__ and __getitem__, got {type(dataset).__name__}")
        if generator is not None and (isinstance(generator, bool) or not isinstance(
                generator, (int, np.integer, np.random.Generator))):
            raise TypeError(f"DataLoader: generator must be a numpy.random.Generator, an int "
                            f"seed or None, got {type(generator).__name__}")
        self.dataset, self.batch_size = dataset, positive_int("batch_size", batch_size,
                                                              "DataLoader")
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)
        if isinstance(generator, (int, np.integer)):
            generator = np.random.default_rng(int(generator))
        self.generator = generator

    _single = False

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            rng = self.generator if self.generator is not None else autograd.generator()
            order = rng.permutation(n)
        else:
            order = np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._batch(order[start:start + self.batch_size])

    def _batch(self, index):
        if isinstance(self.dataset, TensorDataset):
            fields = self.dataset[index]
        else:
            items = [self.dataset[int(i)] for i in index]
            single = not isinstance(items[0], tuple)
            fields = [np.stack([np.asarray(x) for x in column])
                      for column in ([items] if single else zip(*items))]
            if single:
                return Tensor(fields[0])
        tensors = tuple(Tensor(f) for f in fields)
        return tensors[0] if self._single else tensors
