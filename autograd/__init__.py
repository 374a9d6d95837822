"""autograd: a scalar and tensor autograd engine built on computational graphs.

Tensors (numpy arrays) and Scalars (Python floats) record the operations
applied to them; ``backward()`` differentiates the recorded graph in reverse.
"""
from . import backend, devices, dtypes, functional, serialization  # noqa: F401 - public
from .creation import (
                       arange,
                       empty,
                       empty_like,
                       eye,
                       full,
                       full_like,
                       linspace,
                       multinomial,
                       normal,
                       ones,
                       ones_like,
                       rand,
                       rand_like,
                       randint,
                       randn,
                       randn_like,
                       tril_indices,
                       triu_indices,
                       uniform,
                       zeros,
                       zeros_like,
)
from .dtypes import (
                       bool_,
                       device,
                       double,
                       float16,
                       float32,
                       float64,
                       half,
                       int8,
                       int16,
                       int32,
                       int64,
                       long,
                       short,
                       uint8,
)
from .engine import BackwardPass, backward_step, current_backward, grad, queue_callback, toposort
from .errors import (
                       AnomalyError,
                       AutogradError,
                       DeviceError,
                       DtypeError,
                       GradientError,
                       GraphFreedError,
                       InplaceModificationError,
                       SerializationError,
                       ShapeError,
)
from .function import Function
from .grad_mode import (
                       detect_anomaly,
                       enable_grad,
                       is_anomaly_enabled,
                       is_grad_enabled,
                       no_grad,
                       set_grad_enabled,
)
from .ops.activation import (
                       gelu,
                       glu,
                       leaky_relu,
                       logsigmoid,
                       mish,
                       relu,
                       silu,
                       softmin,
                       softplus,
                       softsign,
)
from .ops.activation_piecewise import (
                       celu,
                       elu,
                       hardsigmoid,
                       hardswish,
                       hardtanh,
                       prelu,
                       relu6,
                       selu,
)
from .ops.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .ops.einsum import dot, einsum, inner, kron, outer, tensordot
from .ops.elementwise import (
                       abs,
                       clip,
                       cos,
                       exp,
                       log,
                       log1p,
                       maximum,
                       minimum,
                       sigmoid,
                       sin,
                       sqrt,
                       tanh,
                       where,
)
from .ops.explog import (
                       erf,
                       erfc,
                       exp2,
                       expm1,
                       log2,
                       log10,
                       logaddexp,
                       reciprocal,
                       rsqrt,
                       square,
)
from .ops.indexing import (
                       gather,
                       index_add,
                       index_select,
                       masked_fill,
                       masked_select,
                       nonzero,
                       one_hot,
                       put_along_axis,
                       scatter,
                       scatter_add,
                       take_along_axis,
)
from .ops.linalg import matmul
from .ops.logical import (
                       all,
                       any,
                       count_nonzero,
                       isclose,
                       isfinite,
                       isinf,
                       isnan,
                       logical_and,
                       logical_not,
                       logical_or,
                       logical_xor,
)
from .ops.norm import norm
from .ops.padding import pad
from .ops.pooling import (
                       adaptive_avg_pool2d,
                       adaptive_max_pool2d,
                       avg_pool2d,
                       max_pool2d,
                       max_unpool2d,
)
from .ops.products import cumprod, prod
from .ops.rearrange import (
                       chunk,
                       diag,
                       diagonal,
                       flip,
                       meshgrid,
                       moveaxis,
                       movedim,
                       narrow,
                       repeat_interleave,
                       roll,
                       tile,
                       trace,
                       tril,
                       triu,
                       unbind,
                       unflatten,
)
from .ops.reduce import logsumexp, max, mean, min, std, sum, var
from .ops.resample import interpolate
from .ops.rounding import (
                       ceil,
                       copysign,
                       floor,
                       floor_divide,
                       fmod,
                       lerp,
                       nan_to_num,
                       remainder,
                       round,
                       sign,
                       trunc,
)
from .ops.scan import cummax, cummin, cumsum, logcumsumexp
from .ops.search import argmax, argmin, argsort, median, sort, topk
from .ops.shape import (
                       broadcast_to,
                       concatenate,
                       expand,
                       flatten,
                       permute,
                       reshape,
                       split,
                       squeeze,
                       stack,
                       swapaxes,
                       transpose,
                       unsqueeze,
)
from .ops.softmax import log_softmax, softmax
from .ops.trig import acos, acosh, asin, asinh, atan, atan2, atanh, cosh, sinh, tan
from .ops.windows import fold, unfold
from .random import Generator, generator, manual_seed
from .readonly import writable_data
from .scalar import Scalar
from .serialization import load, save
from .statistics import histogram
from .tensor import Tensor, from_numpy, tensor
from .value import Value, increment_version, is_value

view = reshape
cat = concatenate  # PyTorch's name

__all__ = [
    # values and graph
    "Tensor", "tensor", "from_numpy", "Scalar", "Function", "grad", "functional",
    # the engine's public graph API (for nn, viz and users' own tools)
    "Value", "is_value", "toposort", "backward_step", "increment_version", "writable_data",
    "BackwardPass", "current_backward", "queue_callback",
    # grad mode
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "detect_anomaly",
    "is_anomaly_enabled",
    # errors
    "AutogradError", "ShapeError", "DtypeError", "GradientError", "GraphFreedError",
    "InplaceModificationError", "AnomalyError", "DeviceError", "SerializationError",
    # files (no pickle)
    "save", "load", "serialization",
    # creation and randomness
    "zeros", "ones", "full", "eye", "arange", "linspace", "rand", "randn", "zeros_like",
    "ones_like", "manual_seed", "generator", "Generator", "multinomial", "histogram",
    "full_like", "empty", "empty_like", "randint", "randn_like", "rand_like", "normal",
    "uniform", "tril_indices", "triu_indices",
    # dtypes (numpy's scalar types under PyTorch's names), devices and the array seam
    "backend", "devices", "dtypes", "float16", "half", "float32", "float64", "double", "int8",
    "int16", "short", "int32", "int64", "long", "uint8", "bool_", "device",
    # math
    "abs", "clip", "cos", "exp", "log", "log1p", "maximum", "minimum", "sigmoid", "sin", "sqrt",
    "tanh", "where", "gelu", "leaky_relu", "relu", "softplus", "softmax", "log_softmax",
    "silu", "mish", "elu", "selu", "celu", "hardtanh", "relu6", "hardsigmoid", "hardswish",
    "softsign", "logsigmoid", "softmin", "glu", "prelu",
    "dot", "matmul", "einsum", "tensordot", "inner", "outer", "kron",
    "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh",
    "square", "rsqrt", "reciprocal", "log2", "log10", "exp2", "expm1", "logaddexp", "erf",
    "erfc", "sign", "floor", "ceil", "round", "trunc", "floor_divide", "fmod", "remainder",
    "copysign", "lerp", "nan_to_num",
    # tests and logic (no grad)
    "isnan", "isinf", "isfinite", "isclose", "logical_and", "logical_or", "logical_not",
    "logical_xor", "any", "all", "count_nonzero",
    # reductions, search and scans
    "sum", "mean", "max", "min", "var", "std", "logsumexp", "prod", "norm",
    "argmax", "argmin", "sort", "argsort", "topk", "median",
    "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp",
    # shape
    "reshape", "view", "flatten", "transpose", "permute", "swapaxes", "squeeze", "unsqueeze",
    "expand", "broadcast_to", "concatenate", "cat", "stack", "split", "pad",
    # indexing
    "gather", "scatter", "scatter_add", "index_select", "index_add", "take_along_axis",
    "put_along_axis", "masked_fill", "masked_select", "nonzero", "one_hot", "narrow", "chunk",
    "unbind",
    # rearranging
    "flip", "roll", "tile", "repeat_interleave", "diagonal", "diag", "trace", "tril", "triu",
    "moveaxis", "movedim", "unflatten", "meshgrid",
    # convolution, pooling and resampling (N, C, H, W)
    "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "max_pool2d", "avg_pool2d",
    "max_unpool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d", "unfold", "fold",
    "interpolate",
]
