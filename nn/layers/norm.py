"""Normalisation: ``BatchNorm1d``, ``BatchNorm2d``, ``LayerNorm``, ``GroupNorm``,
``InstanceNorm2d`` and their function forms.

Both are composed from autograd ops (mean, subtraction, ``sqrt``), so their
gradients, and gradients of gradients, come from the engine. Running
statistics follow PyTorch: an exponential moving average with weight
``momentum`` (or a cumulative average when ``momentum=None``); the running
variance uses the unbiased batch variance (divided by n - 1), while
normalisation in training uses the biased one (divided by n).
"""
import math
from typing import Any

import numpy as np

from ... import autograd
from ...autograd import ShapeError, Tensor, backend, writable_data
from ...autograd.typing import ShapeLike
from .._validate import int_tuple, non_negative_int
from ..module import Module, Parameter

__all__ = ["batch_norm", "layer_norm", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "group_norm",
    "instance_norm", "GroupNorm", "InstanceNorm2d"]


def _stat_shape(x: Tensor, axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in axes else n for i, n in enumerate(x.shape))


def batch_norm(input: Tensor, running_mean: Tensor | np.ndarray | None,  # noqa: A002
               running_var: Tensor | np.ndarray | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:
    """Normalise each channel (axis 1) of ``input`` over the batch and spatial axes.

    Training uses the batch statistics and, when ``running_mean``/``running_var``
    are given, updates them in place:
    ``running = (1 - momentum) * running + momentum * batch_stat`` (unbiased
    variance). Otherwise the running statistics are used.

    Returns
    -------
    Tensor of the shape of ``input``:
    ``(x - mean) / sqrt(var + eps) * weight + bias`` per channel.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> import numpy as np
    >>> x = gg.tensor([[1.0, 10.0], [3.0, 30.0]])   # 2 samples, 2 channels
    >>> mean, var = np.zeros(2, np.float32), np.ones(2, np.float32)
    >>> F.batch_norm(x, mean, var, training=True, eps=0.0)
    Tensor([[-1., -1.],
            [ 1.,  1.]], dtype=float32)
    >>> mean, var  # 0.9 * old + 0.1 * batch (unbiased variance: 2 and 200)
    (array([0.2, 2. ], dtype=float32), array([ 1.1, 20.9], dtype=float32))
    """
    axes = (0,) + tuple(range(2, input.ndim))
    shape = _stat_shape(input, axes)
    shape = tuple(n if i == 1 else 1 for i, n in enumerate(shape))
    if training:
        count = input.size // input.shape[1]
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when "
                             f"training, got input of shape {input.shape}; use a larger batch "
                             "or call .eval()")
        mean: Any = input.mean(axis=axes, keepdims=True)  # an array in eval mode below
        centred = input - mean
        var = (centred * centred).mean(axis=axes, keepdims=True)
        if running_mean is not None:
            _update(running_mean, mean.data, momentum)
        if running_var is not None:
            _update(running_var, var.data * (count / (count - 1)), momentum)
        out = centred / (var + eps).sqrt()
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: evaluation needs running_mean and running_var "
                             "(or training=True to use batch statistics)")
        mean, scale = _eval_statistics(running_mean, running_var, shape, input.dtype, eps)
        out = (input - mean) * scale
    return _affine(out, weight, bias, shape)


def layer_norm(input: Tensor, normalized_shape: ShapeLike,  # noqa: A002
               weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over the trailing ``normalized_shape`` axes (biased variance), as PyTorch.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])
    >>> F.layer_norm(x, (3,)).round(4)  # each row to mean 0, variance 1
    Tensor([[-1.2247,  0.    ,  1.2247],
            [-1.2247,  0.    ,  1.2247]], dtype=float32)
    """
    normalized_shape = _as_shape(normalized_shape)
    k = len(normalized_shape)
    if tuple(input.shape[input.ndim - k:]) != normalized_shape or k > input.ndim:
        raise ShapeError(f"layer_norm: input of shape {input.shape} does not end in "
                         f"normalized_shape {normalized_shape}")
    axes = tuple(range(input.ndim - k, input.ndim))
    centred = input - input.mean(axis=axes, keepdims=True)
    var = (centred * centred).mean(axis=axes, keepdims=True)
    out = centred / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def _raw(value: Tensor | np.ndarray) -> np.ndarray:
    return value.data if isinstance(value, Tensor) else backend.as_array(value)


def _eval_statistics(running_mean: Tensor | np.ndarray, running_var: Tensor | np.ndarray,
                     shape: tuple[int, ...], dtype: Any, eps: float) -> tuple[Any, Any]:
    """The running mean and ``1 / sqrt(running_var + eps)`` shaped to broadcast, in the
    input's dtype, as arrays of the statistics' library (on the module's device)."""
    mean, var = _raw(running_mean), _raw(running_var)
    xp = backend.namespace(mean)
    dtype = backend.dtype_in(xp, dtype)
    mean = xp.astype(xp.reshape(mean, shape), dtype)
    return mean, 1.0 / xp.sqrt(xp.astype(xp.reshape(var, shape), dtype) + eps)


def _update(running: Tensor | np.ndarray, batch_stat: np.ndarray, momentum: float) -> None:
    """running <- (1 - momentum) running + momentum batch_stat, in place, outside the graph
    (on the running statistics' device: the module's, which the batch's must match)."""
    target = writable_data(running) if isinstance(running, Tensor) else running
    target *= 1.0 - momentum
    target += momentum * backend.namespace(batch_stat).reshape(batch_stat, target.shape)


def _affine(out: Tensor, weight: Tensor | None, bias: Tensor | None,
            shape: tuple[int, ...]) -> Tensor:
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _as_shape(shape: ShapeLike) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)


class _BatchNorm(Module):
    """Shared state of BatchNorm1d/2d: PyTorch's parameters, buffers and update rule."""

    _input_dims: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True) -> None:
        super().__init__()
        num_features = non_negative_int("num_features", num_features, type(self).__name__)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(autograd.ones(num_features).data)
            self.bias = Parameter(autograd.zeros(num_features).data)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", autograd.zeros(num_features))
            self.register_buffer("running_var", autograd.ones(num_features))
            self.register_buffer("num_batches_tracked", autograd.zeros((), dtype=autograd.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches seen.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> bn = nn.BatchNorm1d(1)
        >>> _ = bn(gg.tensor([[1.0], [3.0]]))
        >>> bn.running_mean, bn.num_batches_tracked
        (Tensor([0.2], dtype=float32), Tensor(1, dtype=int64))
        >>> bn.reset_running_stats()
        >>> bn.running_mean, bn.running_var, bn.num_batches_tracked
        (Tensor([0.], dtype=float32), Tensor([1.], dtype=float32), Tensor(0, dtype=int64))
        """
        if self.track_running_stats:
            writable_data(self.running_mean)[...] = 0.0
            writable_data(self.running_var)[...] = 1.0
            writable_data(self.num_batches_tracked)[...] = 0

    def forward(self, x: Tensor) -> Tensor:
        """Normalise each channel of ``x``; calling the module runs this.

        Training: with the batch's mean and (biased) variance, and the running statistics
        move by ``momentum`` toward the batch's (the variance unbiased). Evaluation: with
        the running statistics.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> bn = nn.BatchNorm1d(1)  # weight 1, bias 0
        >>> bn.forward(gg.tensor([[1.0], [3.0]])).detach().round(4)  # mean 2, variance 1
        Tensor([[-1.],
                [ 1.]], dtype=float32)
        >>> bn.running_mean, bn.running_var  # 0.9 * 0 + 0.1 * 2, 0.9 * 1 + 0.1 * 2
        (Tensor([0.2], dtype=float32), Tensor([1.1], dtype=float32))
        >>> bn.eval().forward(gg.tensor([[2.2]])).detach().round(4)  # (2.2 - 0.2) / sqrt(1.1)
        Tensor([[1.9069]], dtype=float32)
        """
        if x.ndim not in self._input_dims or x.shape[1] != self.num_features:
            raise ShapeError(f"{type(self).__name__}({self.num_features}): expected input of "
                             f"{' or '.join(f'{d}-D' for d in self._input_dims)} with "
                             f"{self.num_features} channels on axis 1, got shape {x.shape}")
        if self.training and x.size // self.num_features <= 1:
            raise ValueError(f"{type(self).__name__}: expected more than 1 value per channel "
                             f"when training, got input of shape {x.shape}; use a larger "
                             "batch or call .eval()")
        momentum = self.momentum
        if self.training and self.track_running_stats:
            writable_data(self.num_batches_tracked)[...] += 1
            if momentum is None:  # cumulative moving average
                momentum = 1.0 / int(self.num_batches_tracked.data)
        # NOTE: without tracked statistics (buffers None) batch statistics are used in eval too.
        use_batch = self.training or not self.track_running_stats
        return batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                          use_batch, 0.0 if momentum is None else momentum, self.eps)

    def extra_repr(self) -> str:
        """The sizes and options, shown in the repr (PyTorch's format).

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.BatchNorm1d(4, momentum=None)
        BatchNorm1d(4, eps=1e-05, momentum=None, affine=True, bias=True, track_running_stats=True)
        """
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs per channel C.

    Example
    -------
    >>> import graphgrad as gg
    >>> bn = BatchNorm1d(16)
    >>> bn(gg.randn(32, 16)).shape
    (32, 16)
    """

    _input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs per channel C.

    Each channel is normalised over the batch and both spatial axes; arguments,
    parameters and buffers as :class:`BatchNorm1d`.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> gg.manual_seed(0)
    >>> out = nn.BatchNorm2d(3)(gg.randn(8, 3, 4, 4) * 5 + 2)
    >>> out.shape, bool((out.mean(axis=(0, 2, 3)).abs() < 1e-5).all())  # each channel: mean 0
    ((8, 3, 4, 4), True)
    """

    _input_dims = (4,)


class LayerNorm(Module):
    """Normalise over the trailing ``normalized_shape`` axes, then scale and shift.

    Example
    -------
    >>> import graphgrad as gg
    >>> LayerNorm(8)(gg.randn(4, 5, 8)).shape
    (4, 5, 8)
    """

    def __init__(self, normalized_shape: ShapeLike, eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True) -> None:
        super().__init__()
        self.normalized_shape = int_tuple("normalized_shape", normalized_shape, "LayerNorm")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(autograd.ones(self.normalized_shape).data)
            if bias:
                self.bias = Parameter(autograd.zeros(self.normalized_shape).data)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        """Normalise ``x`` over its trailing ``normalized_shape`` axes (each sample on
        its own, in training and evaluation alike), then scale and shift; calling the module
        runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])
        >>> nn.LayerNorm(3).forward(x).detach().round(4)  # each row: mean 0, variance 1
        Tensor([[-1.2247,  0.    ,  1.2247],
                [-1.2247,  0.    ,  1.2247]], dtype=float32)
        """
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        """The normalised shape and options, shown in the repr (PyTorch's format).

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.LayerNorm(8, bias=False)
        LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=False)
        """
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


# ------------------------------------------------------------------ group and instance norm
def _normalise(x: Tensor, axes: tuple[int, ...], eps: float) -> Tensor:
    centred = x - x.mean(axis=axes, keepdims=True)
    var = (centred * centred).mean(axis=axes, keepdims=True)
    return centred / (var + eps).sqrt()


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise each sample over groups of channels (biased variance), as PyTorch.

    ``input`` is ``(N, C, *)`` with C divisible by ``num_groups``; ``weight`` and ``bias``
    are per channel (C,).

    Example
    -------
    >>> import graphgrad as gg
    >>> group_norm(gg.randn(2, 6, 4, 4), 3).shape
    (2, 6, 4, 4)
    """
    if input.ndim < 2 or not isinstance(num_groups, (int, np.integer)) or num_groups < 1 \
            or input.shape[1] % num_groups:
        raise ShapeError(f"group_norm: input of shape {input.shape} cannot be split into "
                         f"num_groups={num_groups!r} groups: expected (N, C, *) with C "
                         "divisible by num_groups")
    n, c = input.shape[:2]
    grouped = input.reshape((n, int(num_groups), -1))
    out = _normalise(grouped, (2,), eps).reshape(input.shape)
    return _affine(out, weight, bias, (1, c) + (1,) * (input.ndim - 2))


def instance_norm(input: Tensor, running_mean: Tensor | np.ndarray | None = None,  # noqa: A002
                  running_var: Tensor | np.ndarray | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample over its spatial axes, as PyTorch.

    With ``use_input_stats`` the instance statistics are used and, when given, the
    running statistics move toward their mean over the batch (the variance unbiased);
    otherwise the running statistics normalise.

    Example
    -------
    >>> import graphgrad as gg
    >>> instance_norm(gg.randn(2, 3, 5, 5)).shape
    (2, 3, 5, 5)
    """
    if input.ndim < 3:
        raise ShapeError(f"instance_norm: input of shape {input.shape} has no spatial axis; "
                         "expected (N, C, *)")
    axes = tuple(range(2, input.ndim))
    shape = (1, input.shape[1]) + (1,) * len(axes)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: use_input_stats=False needs running_mean and "
                             "running_var")
        mean, scale = _eval_statistics(running_mean, running_var, shape, input.dtype, eps)
        return _affine((input - mean) * scale, weight, bias, shape)
    count = math.prod(input.shape[2:])
    if count <= 1:
        raise ValueError(f"instance_norm: expected more than 1 spatial element, got input of "
                         f"shape {input.shape}")
    data = input.data
    xp = backend.namespace(data)
    if running_mean is not None:
        _update(running_mean, xp.mean(xp.mean(data, axis=axes), axis=0), momentum)
    if running_var is not None:
        _update(running_var, xp.mean(xp.var(data, axis=axes, correction=1), axis=0), momentum)
    return _affine(_normalise(input, axes, eps), weight, bias, shape)


class GroupNorm(Module):
    """Group normalisation: channels in ``num_groups`` groups, normalised per sample.

    Parameters
    ----------
    num_groups, num_channels : int
    eps : float
    affine : bool
        Learn ``weight`` (ones) and ``bias`` (zeros) of shape (num_channels,).

    Example
    -------
    >>> import graphgrad as gg
    >>> GroupNorm(2, 6)(gg.randn(4, 6, 3, 3)).shape
    (4, 6, 3, 3)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True) -> None:
        super().__init__()
        num_groups = non_negative_int("num_groups", num_groups, "GroupNorm")
        num_channels = non_negative_int("num_channels", num_channels, "GroupNorm")
        if num_groups == 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels={num_channels} must be divisible by "
                             f"num_groups={num_groups}")
        self.num_groups, self.num_channels, self.eps, self.affine = (num_groups, num_channels,
                                                                     eps, affine)
        if affine:
            self.weight = Parameter(autograd.ones(num_channels).data)
            self.bias = Parameter(autograd.zeros(num_channels).data)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        """Normalise each sample's channel groups of ``x`` (shape ``(N, C, *)``);
        calling the module runs this. ``GroupNorm(1, C)`` normalises all channels together,
        ``GroupNorm(C, C)`` each channel alone.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([[[[0.0, 2.0]], [[4.0, 6.0]]]])  # one sample, 2 channels of 1x2
        >>> nn.GroupNorm(1, 2).forward(x).detach().round(4).flatten()  # mean 3, variance 5
        Tensor([-1.3416, -0.4472,  0.4472,  1.3416], dtype=float32)
        >>> nn.GroupNorm(2, 2).forward(x).detach().round(4).flatten()
        Tensor([-1.,  1., -1.,  1.], dtype=float32)
        """
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ShapeError(f"GroupNorm: expected input (N, {self.num_channels}, *), got "
                             f"shape {x.shape}")
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        """The sizes and options, shown in the repr (PyTorch's format).

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.GroupNorm(2, 6)
        GroupNorm(2, 6, eps=1e-05, affine=True, bias=True)
        """
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class InstanceNorm2d(_BatchNorm):
    """Instance normalisation of (N, C, H, W) (or (C, H, W)) inputs, as PyTorch.

    PyTorch's defaults: ``affine=False``, ``track_running_stats=False`` (instance
    statistics in training and evaluation). With ``track_running_stats=True`` the
    running statistics (buffers ``running_mean``, ``running_var``,
    ``num_batches_tracked``, which InstanceNorm never increments) are updated in
    training and used in evaluation.

    Example
    -------
    >>> import graphgrad as gg
    >>> InstanceNorm2d(3)(gg.randn(2, 3, 5, 5)).shape
    (2, 3, 5, 5)
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats)

    def forward(self, x: Tensor) -> Tensor:
        """Normalise each (sample, channel) plane of ``x`` over its H x W values;
        calling the module runs this. (C, H, W) inputs are one sample.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.arange(4.0).reshape(1, 1, 2, 2)  # mean 1.5, variance 1.25
        >>> nn.InstanceNorm2d(1).forward(x).round(4)
        Tensor([[[[-1.3416, -0.4472],
                  [ 0.4472,  1.3416]]]], dtype=float32)
        """
        if x.ndim not in (3, 4) or x.shape[-3] != self.num_features:
            raise ShapeError(f"InstanceNorm2d({self.num_features}): expected input (N, "
                             f"{self.num_features}, H, W) or ({self.num_features}, H, W), got "
                             f"shape {x.shape}")
        single = x.ndim == 3
        if single:
            x = x.reshape((1,) + x.shape)
        use_input_stats = self.training or not self.track_running_stats
        out = instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            use_input_stats, 0.0 if self.momentum is None else self.momentum,
                            self.eps)
        return out.reshape(out.shape[1:]) if single else out
