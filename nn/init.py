"""Weight initialisers with PyTorch's names, gains and fan rules; each fills a Tensor in place.

Draws come from ``generator`` or ``autograd.generator()``, so
``autograd.manual_seed(0)`` makes model creation repeatable. Each function
returns the tensor it filled, which keeps its device and dtype: random values are
drawn on the host (numpy's seeded Generator, so a seed gives the same weights on every
device) and then copied to the tensor's device; constant fills are written there directly.

Example
-------
>>> import graphgrad as gg
>>> from graphgrad import nn
>>> w = gg.zeros(64, 32)
>>> nn.init.kaiming_normal_(w, nonlinearity="relu") is w
True
"""
import math
import warnings
from typing import TypeVar

import numpy as np

from .. import autograd
from ..autograd import Tensor, backend, no_grad
from ..autograd.typing import ArrayLike

__all__ = ["calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "eye_"]

T = TypeVar("T", bound=Tensor)  # the functions return the tensor they fill (a Parameter too)

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended scale of weights before ``nonlinearity`` (PyTorch's table).

    linear/conv/sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu sqrt(2 / (1 + slope^2))
    (slope ``param``, default 0.01), selu 3/4.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.init.calculate_gain("relu")          # relu halves the variance: sqrt(2) restores it
    1.4142135623730951
    >>> nn.init.calculate_gain("tanh"), nn.init.calculate_gain("leaky_relu", 0.2)
    (1.6666666666666667, 1.3867504905630728)
    """
    if nonlinearity in _LINEAR:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field."""
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out can not be computed for a tensor with fewer than "
                         f"2 dimensions (shape {tuple(shape)})")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode {mode!r} is not supported, please use one of 'fan_in', 'fan_out'")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _no_elements(tensor: Tensor) -> bool:
    """True (with PyTorch's warning) for a tensor with a 0 in its shape: nothing to fill,
    and its fan may be 0, which must not reach a division."""
    if 0 not in tuple(tensor.shape):
        return False
    warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
    return True


def _fill(tensor: T, values: ArrayLike) -> T:
    """Write ``values`` into ``tensor`` in place, outside the graph; returns the tensor.

    ``values`` is a number, an array on the tensor's device, or a host (numpy) array,
    which is copied to the tensor's device first.
    """
    if hasattr(values, "shape") and not backend.is_foreign_array(values):
        values = backend.from_host(values, tensor.data)
    with no_grad():
        tensor[...] = values
    return tensor


def _rng(generator: np.random.Generator | None) -> np.random.Generator:
    return generator if generator is not None else autograd.generator()


def uniform_(tensor: T, a: float = 0.0, b: float = 1.0,
             generator: np.random.Generator | None = None) -> T:
    """Fill with draws from U(a, b) (drawn on the host, copied to the tensor's device).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> gg.manual_seed(0)
    >>> w = nn.init.uniform_(gg.zeros(1000), a=-1.0, b=1.0)
    >>> round(float(w.min()), 3), round(float(w.max()), 3), round(float(w.mean()), 3)
    (-1.0, 0.999, 0.034)
    """
    return _fill(tensor, _rng(generator).uniform(a, b, size=tensor.shape))


def normal_(tensor: T, mean: float = 0.0, std: float = 1.0,
            generator: np.random.Generator | None = None) -> T:
    """Fill with draws from N(mean, std^2) (drawn on the host, copied to the tensor's device).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> gg.manual_seed(0)
    >>> w = nn.init.normal_(gg.zeros(1000), mean=2.0, std=0.5)
    >>> round(float(w.mean()), 2), round(float(w.std(ddof=0)), 2)
    (1.98, 0.49)
    """
    return _fill(tensor, _rng(generator).normal(mean, std, size=tensor.shape))


def constant_(tensor: T, val: float) -> T:
    """Fill with ``val``.

    Examples
    --------
    >>> from graphgrad import nn
    >>> layer = nn.Linear(3, 2)
    >>> nn.init.constant_(layer.bias, 0.1)      # in place, not recorded in a graph
    Parameter containing:
    Tensor([0.1, 0.1], dtype=float32, requires_grad=True)
    """
    return _fill(tensor, val)


def zeros_(tensor: T) -> T:
    """Fill with 0.

    Examples
    --------
    >>> from graphgrad import nn
    >>> layer = nn.Linear(3, 2)
    >>> nn.init.zeros_(layer.bias) is layer.bias   # fills and returns the same tensor
    True
    >>> layer.bias.tolist()
    [0.0, 0.0]
    """
    return _fill(tensor, 0)


def ones_(tensor: T) -> T:
    """Fill with 1.

    Examples
    --------
    >>> from graphgrad import nn
    >>> norm = nn.LayerNorm(3)
    >>> nn.init.ones_(norm.weight).tolist()      # a norm layer's scale starts at 1
    [1.0, 1.0, 1.0]
    """
    return _fill(tensor, 1)


def xavier_uniform_(tensor: T, gain: float = 1.0,
                    generator: np.random.Generator | None = None) -> T:
    """Glorot: U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> gg.manual_seed(0)
    >>> w = nn.init.xavier_uniform_(gg.zeros(256, 512))   # fan_out 256, fan_in 512
    >>> round((6 / (256 + 512)) ** 0.5, 4), round(float(abs(w).max()), 4)   # the bound a
    (0.0884, 0.0884)
    >>> round(float(w.std(ddof=0)), 3)       # a / sqrt(3) = sqrt(2 / (fan_in + fan_out))
    0.051
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    if fan_in + fan_out == 0 and _no_elements(tensor):
        return tensor
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: T, gain: float = 1.0, generator: np.random.Generator | None = None) -> T:
    """Glorot: N(0, std^2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> gg.manual_seed(0)
    >>> w = nn.init.xavier_normal_(gg.zeros(256, 512))
    >>> round((2 / (256 + 512)) ** 0.5, 4), round(float(w.std(ddof=0)), 4)
    (0.051, 0.0511)
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    if fan_in + fan_out == 0 and _no_elements(tensor):
        return tensor
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def kaiming_uniform_(tensor: T, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu",
                     generator: np.random.Generator | None = None) -> T:
    """He: U(-b, b) with ``b = gain * sqrt(3 / fan)``.

    ``gain = calculate_gain(nonlinearity, a)``. A tensor with a 0 in its shape is left
    as it is, with PyTorch's warning.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> gg.manual_seed(0)
    >>> w = nn.init.kaiming_uniform_(gg.zeros(16, 3, 3, 3), nonlinearity="relu")
    >>> fan_in = 3 * 3 * 3                 # in_channels times the kernel's size
    >>> round(2 ** 0.5 * (3 / fan_in) ** 0.5, 4), round(float(abs(w).max()), 4)
    (0.4714, 0.4711)
    """
    if _no_elements(tensor):
        return tensor
    fan = _fan(tensor, mode)
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: T, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: np.random.Generator | None = None) -> T:
    """He: N(0, std^2) with ``std = gain / sqrt(fan)``.

    ``gain = calculate_gain(nonlinearity, a)``. A tensor with a 0 in its shape is left
    as it is, with PyTorch's warning.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> gg.manual_seed(0)
    >>> w = nn.init.kaiming_normal_(gg.zeros(256, 512), nonlinearity="relu")
    >>> round((2 / 512) ** 0.5, 4), round(float(w.std(ddof=0)), 4)   # sqrt(2) / sqrt(fan_in)
    (0.0625, 0.0626)
    >>> x = gg.randn(1000, 512)             # unit-variance inputs...
    >>> round(float((x @ w.T).relu().pow(2).mean()), 1)  # ...keep their second moment
    1.0
    """
    if _no_elements(tensor):
        return tensor
    fan = _fan(tensor, mode)
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), generator)


def eye_(tensor: T) -> T:
    """Fill a 2-D tensor with the identity (ones on the diagonal).

    Examples
    --------
    >>> from graphgrad import nn
    >>> layer = nn.Linear(3, 3)
    >>> nn.init.eye_(layer.weight)          # the layer starts as the identity map (+ bias)
    Parameter containing:
    Tensor([[1., 0., 0.],
            [0., 1., 0.],
            [0., 0., 1.]], dtype=float32, requires_grad=True)
    """
    if tensor.ndim != 2:
        raise ValueError(f"eye_: only tensors with 2 dimensions are supported, got shape "
                         f"{tuple(tensor.shape)}")
    data = tensor.data
    xp = backend.namespace(data)
    return _fill(tensor, xp.eye(tensor.shape[0], tensor.shape[1], dtype=data.dtype,
                                device=data.device))
