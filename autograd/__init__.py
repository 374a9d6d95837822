"""autograd: a scalar and tensor autograd engine built on computational graphs.

Tensors (numpy arrays) and Scalars (Python floats) record the operations
applied to them; ``backward()`` differentiates the recorded graph in reverse.
"""
from . import functional  # noqa: F401 - public submodule (autograd.testing is imported on use)
from .creation import (arange, eye, full, linspace, ones, ones_like, rand, randn, zeros,
                       zeros_like)
from .engine import grad
from .errors import (AnomalyError, AutogradError, DtypeError, GradientError, GraphFreedError,
                     InplaceModificationError, ShapeError)
from .function import Function
from .grad_mode import (detect_anomaly, enable_grad, is_anomaly_enabled, is_grad_enabled,
                        no_grad, set_grad_enabled)
from .ops.activation import gelu, leaky_relu, relu, softplus
from .ops.elementwise import (abs, clip, cos, exp, log, log1p, maximum, minimum, sigmoid, sin,
                              sqrt, tanh, where)
from .ops.linalg import dot, matmul
from .ops.nn import log_softmax, softmax
from .ops.reduce import logsumexp, max, mean, min, std, sum, var
from .ops.shape import (broadcast_to, concatenate, expand, flatten, pad, permute, reshape,
                        split, squeeze, stack, swapaxes, transpose, unsqueeze)
from .random import manual_seed
from .scalar import Scalar
from .tensor import Tensor, tensor

view = reshape
