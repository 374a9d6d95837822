"""PyTorch's samplers: the order of an epoch as host ints, drawn from a seeded Generator.

Re-exported by ``nn.data``; the semantics are ``torch.utils.data``'s. Every random draw
takes ``generator`` (a ``graphgrad.Generator``, a numpy Generator or an int seed) or, by
default, ``autograd.generator()`` at the start of each epoch, so ``manual_seed`` repeats it.
"""
import math
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any

import numpy as np

from .. import autograd
from ..autograd import Tensor, backend
from ._validate import positive_int


def check_generator(generator: Any, op: str) -> None:
    """TypeError unless ``generator`` is None, an int seed or a Generator."""
    if generator is None or callable(getattr(generator, "permutation", None)):
        return
    if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
        return
    raise TypeError(f"{op}: generator must be a graphgrad.Generator, a numpy.random.Generator,"
                    f" an int seed or None, got {type(generator).__name__}")


def draw_from(generator: Any) -> np.random.Generator:
    """The Generator to draw from now: an int seeds a new one, None is the library's."""
    if generator is None:
        return autograd.generator()
    if isinstance(generator, (int, np.integer)):
        return autograd.Generator().manual_seed(int(generator))
    return generator


def _seeded(generator: Any, op: str) -> Any:
    """``generator`` checked; an int seeds a private Generator once (a stream across epochs)."""
    check_generator(generator, op)
    return draw_from(generator) if isinstance(generator, (int, np.integer)) else generator


class SequentialSampler:
    """The indices ``0, 1, ..., len(data_source) - 1``, as PyTorch's ``SequentialSampler``.

    Examples
    --------
    >>> from graphgrad import nn
    >>> list(nn.data.SequentialSampler("abc"))
    [0, 1, 2]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler:
    """Random indices of ``data_source``, as PyTorch's ``RandomSampler``.

    Parameters
    ----------
    data_source : sized dataset
    replacement : bool
        Draw with replacement (uniformly, ``num_samples`` times).
    num_samples : int, optional
        Default ``len(data_source)``. Without replacement, more than that many chains
        whole permutations (PyTorch's rule).
    generator : graphgrad.Generator, numpy.random.Generator or int, optional
        Default ``autograd.generator()``, read at each epoch.

    Examples
    --------
    >>> from graphgrad import nn
    >>> sorted(nn.data.RandomSampler(range(5), generator=0))
    [0, 1, 2, 3, 4]
    """

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None, generator: Any = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement must be a bool, got {replacement!r}")
        if num_samples is not None:
            positive_int("num_samples", num_samples, "RandomSampler")
        self.data_source, self.replacement = data_source, replacement
        self._num_samples, self.generator = num_samples, _seeded(generator, "RandomSampler")

    @property
    def num_samples(self) -> int:
        """How many indices an epoch gives (default ``len(data_source)``).

        >>> from graphgrad import nn
        >>> nn.data.RandomSampler(range(5)).num_samples
        5
        """
        return len(self.data_source) if self._num_samples is None else int(self._num_samples)

    def __iter__(self) -> Iterator[int]:
        n, rng = len(self.data_source), draw_from(self.generator)
        if self.replacement:
            return iter(rng.integers(0, n, size=self.num_samples).tolist())
        order: list[int] = []
        for _ in range(self.num_samples // n):
            order += rng.permutation(n).tolist()
        order += rng.permutation(n).tolist()[:self.num_samples % n]
        return iter(order)

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler:
    """The given ``indices`` in a random order, as PyTorch's ``SubsetRandomSampler``.

    Examples
    --------
    >>> from graphgrad import nn
    >>> sorted(nn.data.SubsetRandomSampler([7, 3, 5], generator=0))
    [3, 5, 7]
    """

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices, self.generator = indices, _seeded(generator, "SubsetRandomSampler")

    def __iter__(self) -> Iterator[int]:
        order = draw_from(self.generator).permutation(len(self.indices)).tolist()
        return iter([self.indices[i] for i in order])

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler:
    """Indices ``0..len(weights)-1`` drawn with probabilities proportional to ``weights``.

    As PyTorch's ``WeightedRandomSampler``: ``weights`` need not sum to 1; an item of
    weight 0 is never drawn. Without replacement, ``num_samples`` must not exceed the
    number of non-zero weights.

    Parameters
    ----------
    weights : 1-D sequence of float
        Non-negative and finite, with a positive sum.
    num_samples : int
    replacement : bool
    generator : graphgrad.Generator, numpy.random.Generator or int, optional

    Examples
    --------
    >>> from graphgrad import nn
    >>> draws = list(nn.data.WeightedRandomSampler([0.0, 1.0, 3.0], 6, generator=0))
    >>> len(draws), 0 in draws
    (6, False)
    """

    def __init__(self, weights: Sequence[float] | np.ndarray, num_samples: int,
                 replacement: bool = True, generator: Any = None) -> None:
        num_samples = positive_int("num_samples", num_samples, "WeightedRandomSampler")
        if not isinstance(replacement, bool):
            raise TypeError(f"WeightedRandomSampler: replacement must be a bool, got "
                            f"{replacement!r}")
        if isinstance(weights, Tensor):
            weights = weights.data
        # the draws happen on the host: weights on a device come over once, here
        host = backend.to_host(weights) if backend.is_array(weights) else weights
        w = autograd.tensor(host, dtype=autograd.float64).data
        xp = backend.namespace(w)
        if w.ndim != 1:
            raise ValueError(f"WeightedRandomSampler: weights must be 1-D, got shape {w.shape}"
                             f"; pass one weight per item")
        if not bool(xp.all(xp.isfinite(w))) or bool(xp.any(w < 0)) or not float(xp.sum(w)) > 0:
            raise ValueError(f"WeightedRandomSampler: weights must be finite and >= 0 with a "
                             f"positive sum, got {w.tolist()!r}")
        nonzero = int(xp.count_nonzero(w))
        if not replacement and num_samples > nonzero:
            raise ValueError(f"WeightedRandomSampler: num_samples={num_samples} exceeds the "
                             f"{nonzero} non-zero weights without replacement; "
                             f"lower num_samples or pass replacement=True")
        self.weights, self.num_samples, self.replacement = w, num_samples, replacement
        self.generator = _seeded(generator, "WeightedRandomSampler")

    def __iter__(self) -> Iterator[int]:
        p = self.weights / self.weights.sum()
        rng = draw_from(self.generator)
        return iter(rng.choice(len(p), size=self.num_samples, replace=self.replacement,
                               p=p).tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler:
    """Lists of ``batch_size`` indices from ``sampler``, as PyTorch's ``BatchSampler``.

    Parameters
    ----------
    sampler : iterable of int
    batch_size : int
    drop_last : bool
        Skip the last batch if it is smaller than ``batch_size``.

    Examples
    --------
    >>> from graphgrad import nn
    >>> list(nn.data.BatchSampler(nn.data.SequentialSampler(range(5)), 2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        self.batch_size = positive_int("batch_size", batch_size, "BatchSampler")
        if not isinstance(drop_last, bool):
            raise TypeError(f"BatchSampler: drop_last must be a bool, got {drop_last!r}")
        self.sampler, self.drop_last = sampler, drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
