"""PyTorch's map-style datasets: ``Dataset``, ``Subset``, ``ConcatDataset``, ``random_split``.

Re-exported by ``nn.data``; the semantics are ``torch.utils.data``'s.
"""
import bisect
import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._samplers import check_generator, draw_from


class Dataset:
    """Base class of a map-style dataset, as ``torch.utils.data.Dataset``.

    Subclasses define ``__getitem__`` (and ``__len__``, which ``DataLoader`` needs);
    ``a + b`` is ``ConcatDataset([a, b])``.

    Examples
    --------
    >>> from graphgrad import nn
    >>> class Squares(nn.data.Dataset):
    ...     def __len__(self): return 4
    ...     def __getitem__(self, i): return i * i
    >>> both = Squares() + Squares()
    >>> len(both), both[5]
    (8, 1)
    """

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}: a Dataset subclass must define "
                                  f"__getitem__")

    def __add__(self, other: Any) -> "ConcatDataset":
        return ConcatDataset([self, other])


class Subset(Dataset):
    """The items of ``dataset`` at ``indices``, in that order, as ``torch.utils.data.Subset``.

    Parameters
    ----------
    dataset : object with ``__getitem__``
    indices : sequence of int
        Positions in ``dataset``; item ``i`` of the subset is ``dataset[indices[i]]``.

    Examples
    --------
    >>> from graphgrad import nn
    >>> part = nn.data.Subset(["a", "b", "c", "d"], [3, 0])
    >>> len(part), part[0], part[[1, 0]]
    (2, 'd', ['a', 'd'])
    """

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.__getitems__(index)
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        """The items at ``indices`` as a list (one lookup each, as PyTorch's)."""
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Datasets one after another, as ``torch.utils.data.ConcatDataset``.

    Parameters
    ----------
    datasets : iterable of sized datasets
        At least one. Item ``i`` comes from the dataset whose running length first
        exceeds ``i``; negative indices count from the end.

    Examples
    --------
    >>> from graphgrad import nn
    >>> both = nn.data.ConcatDataset([[10, 11], [20, 21, 22]])
    >>> len(both), both[2], both[-1], both.cumulative_sizes
    (5, 20, 22, [2, 5])
    """

    def __init__(self, datasets: Any) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets is empty; give at least one dataset")
        self.cumulative_sizes, total = [], 0
        for d in self.datasets:
            if not hasattr(d, "__len__"):
                raise TypeError(f"ConcatDataset: every dataset needs __len__, got "
                                f"{type(d).__name__}")
            total += len(d)
            self.cumulative_sizes.append(total)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        if index < 0:
            if -index > len(self):
                raise IndexError(f"ConcatDataset: index {index} is out of range for length "
                                 f"{len(self)}")
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        if which == len(self.datasets):
            raise IndexError(f"ConcatDataset: index {index} is out of range for length "
                             f"{len(self)}")
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


def random_split(dataset: Any, lengths: Sequence[int | float],
                 generator: np.random.Generator | int | None = None) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping ``Subset`` s, as PyTorch's.

    Parameters
    ----------
    dataset : sized dataset
    lengths : sequence of int or float
        Ints summing to ``len(dataset)``, or fractions summing to 1: each part gets
        ``floor(len(dataset) * fraction)`` items and the leftover items go one each to the
        parts in order, round-robin (PyTorch's rule).
    generator : graphgrad.Generator, numpy.random.Generator or int, optional
        The source of the permutation (an int seeds a private one); default
        ``autograd.generator()``.

    Returns
    -------
    list of Subset

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> train, test = nn.data.random_split(range(10), [0.75, 0.25], generator=0)
    >>> len(train), len(test), sorted(list(train) + list(test)) == list(range(10))
    (8, 2, True)
    """
    check_generator(generator, "random_split")
    n = len(dataset)
    sizes = _split_lengths(list(lengths), n)
    order = draw_from(generator).permutation(n).tolist()
    parts, start = [], 0
    for size in sizes:
        parts.append(Subset(dataset, order[start:start + size]))
        start += size
    return parts


def _split_lengths(lengths: list[Any], n: int) -> list[int]:
    """Item counts from ``lengths`` (ints summing to ``n`` or fractions summing to 1)."""
    bad = [x for x in lengths if isinstance(x, bool) or not isinstance(x, numbers.Real)]
    if bad or not lengths:
        raise TypeError(f"random_split: lengths must be a non-empty sequence of ints or "
                        f"fractions, got {lengths!r}")
    if all(isinstance(x, numbers.Integral) for x in lengths):
        if any(x < 0 for x in lengths):
            raise ValueError(f"random_split: lengths must be >= 0, got {lengths!r}")
        if sum(lengths) != n:
            raise ValueError(f"random_split: lengths {lengths!r} sum to {sum(lengths)}, not "
                             f"to the dataset's length {n}; make them sum to {n} or pass "
                             f"fractions summing to 1")
        return [int(x) for x in lengths]
    if any(not 0 <= x <= 1 for x in lengths):
        raise ValueError(f"random_split: fractions must be in [0, 1], got {lengths!r}")
    if not math.isclose(sum(lengths), 1):
        raise ValueError(f"random_split: fractions {lengths!r} sum to {sum(lengths)}, not 1; "
                         f"make them sum to 1 or pass ints summing to {n}")
    sizes = [math.floor(n * x) for x in lengths]
    for i in range(n - sum(sizes)):  # NOTE: PyTorch's remainder rule: round-robin from 0
        sizes[i % len(sizes)] += 1
    return sizes
