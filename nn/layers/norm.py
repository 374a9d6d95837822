"""Normalisation: ``BatchNorm1d``, ``BatchNorm2d``, ``LayerNorm`` and their function forms.

Both are composed from autograd ops (mean, subtraction, ``sqrt``), so their
gradients, and gradients of gradients, come from the engine. Running
statistics follow PyTorch: an exponential moving average with weight
``momentum`` (or a cumulative average when ``momentum=None``); the running
variance uses the unbiased batch variance (divided by n - 1), while
normalisation in training uses the biased one (divided by n).
"""
import numpy as np

from ...autograd import ShapeError, Tensor
from .._validate import int_tuple, non_negative_int
from ..module import Module, Parameter


def _stat_shape(x, axes):
    return tuple(1 if i in axes else n for i, n in enumerate(x.shape))


def batch_norm(input, running_mean, running_var, weight=None, bias=None,  # noqa: A002
               training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel (axis 1) of ``input`` over the batch and spatial axes.

    Training uses the batch statistics and, when ``running_mean``/``running_var``
    are given, updates them in place:
    ``running = (1 - momentum) * running + momentum * batch_stat`` (unbiased
    variance). Otherwise the running statistics are used.

    Returns
    -------
    Tensor of the shape of ``input``:
    ``(x - mean) / sqrt(var + eps) * weight + bias`` per channel.
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
        mean = input.mean(axis=axes, keepdims=True)
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
        mean = _raw(running_mean).reshape(shape).astype(input.dtype)
        scale = 1.0 / np.sqrt(_raw(running_var).reshape(shape).astype(input.dtype) + eps)
        out = (input - mean) * scale
    return _affine(out, weight, bias, shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Normalise over the trailing ``normalized_shape`` axes (biased variance), as PyTorch."""
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


def _raw(value):
    return value.data if isinstance(value, Tensor) else np.asarray(value)


def _update(running, batch_stat, momentum):
    """running <- (1 - momentum) running + momentum batch_stat, in place, outside the graph."""
    target = _raw(running)
    target *= 1.0 - momentum
    target += momentum * batch_stat.reshape(target.shape)


def _affine(out, weight, bias, shape):
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _as_shape(shape):
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)


class _BatchNorm(Module):
    """Shared state of BatchNorm1d/2d: PyTorch's parameters, buffers and update rule."""

    _input_dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True):
        super().__init__()
        num_features = non_negative_int("num_features", num_features, type(self).__name__)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=np.float32))
            self.bias = Parameter(np.zeros(num_features, dtype=np.float32))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=np.float32))
            self.register_buffer("running_var", np.ones(num_features, dtype=np.float32))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batches seen."""
        if self.track_running_stats:
            self.running_mean.data[...] = 0.0
            self.running_var.data[...] = 1.0
            self.num_batches_tracked.data[...] = 0

    def forward(self, x):
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
            self.num_batches_tracked.data[...] += 1
            if momentum is None:  # cumulative moving average
                momentum = 1.0 / int(self.num_batches_tracked.data)
        # NOTE: without tracked statistics (buffers None) batch statistics are used in eval too.
        use_batch = self.training or not self.track_running_stats
        return batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                          use_batch, 0.0 if momentum is None else momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs per channel C.

    Example
    -------
    >>> bn = BatchNorm1d(16)
    >>> bn(autograd.randn(32, 16)).shape
    (32, 16)
    """

    _input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs per channel C."""

    _input_dims = (4,)


class LayerNorm(Module):
    """Normalise over the trailing ``normalized_shape`` axes, then scale and shift.

    Example
    -------
    >>> LayerNorm(8)(autograd.randn(4, 5, 8)).shape
    (4, 5, 8)
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
        super().__init__()
        self.normalized_shape = int_tuple("normalized_shape", normalized_shape, "LayerNorm")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=np.float32))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=np.float32))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x):
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
