"""The library's random number generator, seeded by ``manual_seed``.

Every random number is drawn on the host by a numpy Generator (PCG64), whatever the
device: ``randn(..., device="cuda")``, ``nn.init`` and dropout draw there and copy the
values to the device. So one seed gives the same numbers on every device (the
portability tests compare numpy and array-api-strict runs element by element), at the
cost of one host-to-device copy per draw.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .typing import DeviceLike

__all__ = ["manual_seed", "generator", "Generator", "resolve"]

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed every random draw of the library (creation functions, init, dropout, data).

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.manual_seed(42)
    >>> a = gg.randn(3)
    >>> gg.manual_seed(42)
    >>> b = gg.randn(3)
    >>> bool((a == b).all())
    True
    """
    global _generator
    _check_seed("manual_seed", seed)
    _generator = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    """The current ``numpy.random.Generator`` (use it for your own draws to stay seeded).

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.manual_seed(0)
    >>> first = gg.generator().integers(0, 100, size=3)
    >>> gg.manual_seed(0)
    >>> bool((gg.generator().integers(0, 100, size=3) == first).all())
    True
    """
    return _generator


class Generator(np.random.Generator):
    """A random stream of its own, as ``torch.Generator``: ``Generator().manual_seed(n)``.

    It is a ``numpy.random.Generator``, so it also works wherever one is taken
    (``nn.init``, dropout, ``DataLoader``). Pass it as ``generator=`` to
    ``rand``, ``randn``, ``randint``, ``randperm`` and ``multinomial``. The numbers differ
    from PyTorch's for the same seed (another algorithm), not their distribution.
    ``device`` (PyTorch's argument) is recorded as ``.device``; the draws are made on the
    host for every device and copied to the device of the tensor they fill.

    Example
    -------
    >>> import graphgrad as gg
    >>> g = gg.Generator().manual_seed(2147483647)
    >>> a = gg.randn(3, generator=g)
    >>> bool((a == gg.randn(3, generator=g.manual_seed(2147483647))).all())
    True
    """

    def __init__(self, device: DeviceLike = "cpu") -> None:
        from .dtypes import to_device

        self.device = to_device("Generator", device)
        super().__init__(np.random.PCG64())
        self._seed: int | None = None

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed``; returns the generator (PyTorch's chaining).

        Examples
        --------
        >>> import graphgrad as gg
        >>> g = gg.Generator().manual_seed(7)
        >>> a = gg.rand(2, generator=g)
        >>> b = gg.rand(2, generator=g.manual_seed(7))
        >>> bool((a == b).all())
        True
        """
        _check_seed("Generator.manual_seed", seed)
        self.bit_generator.state = np.random.PCG64(int(seed)).state
        self._seed = int(seed)
        return self

    def initial_seed(self) -> int | None:
        """The last seed given to ``manual_seed`` (None before any).

        Examples
        --------
        >>> import graphgrad as gg
        >>> g = gg.Generator()
        >>> print(g.initial_seed())
        None
        >>> g.manual_seed(123).initial_seed()
        123
        """
        return self._seed

    def get_state(self) -> dict:
        """The stream's state, a dict that ``set_state`` (and ``graphgrad.save``) accept.

        Examples
        --------
        >>> import graphgrad as gg
        >>> g = gg.Generator().manual_seed(0)
        >>> state = g.get_state()
        >>> a = gg.rand(3, generator=g)
        >>> b = gg.rand(3, generator=g.set_state(state))
        >>> bool((a == b).all())
        True
        """
        return dict(self.bit_generator.state)

    def set_state(self, state: dict) -> Generator:
        """Resume the stream from a state returned by ``get_state``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> g = gg.Generator().manual_seed(0)
        >>> _ = gg.randn(5, generator=g)
        >>> saved = g.get_state()
        >>> a = gg.randn(2, generator=g)
        >>> bool((gg.randn(2, generator=g.set_state(saved)) == a).all())
        True
        """
        self.bit_generator.state = state
        return self


def _check_seed(op, seed):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{op}: seed must be a non-negative integer, got {seed!r}")


def resolve(generator, op):
    """``generator`` if given (a ``Generator`` or any numpy Generator), else the library's."""
    if generator is None:
        return _generator
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"{op}: generator= must be a graphgrad.Generator (or a "
                        f"numpy.random.Generator), got {type(generator).__name__}")
    return generator
