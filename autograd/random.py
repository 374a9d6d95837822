"""The library's random number generator, seeded by ``manual_seed``."""
import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed):
    """Seed every random draw of the library (creation functions, init, dropout, data)."""
    global _generator
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed: seed must be a non-negative integer, got {seed!r}")
    _generator = np.random.default_rng(seed)


def generator():
    """The current ``numpy.random.Generator`` (use it for your own draws to stay seeded)."""
    return _generator
