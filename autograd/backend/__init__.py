"""The array seam: which array library computes a value, and the few things the standard lacks.

graphgrad computes with numpy by default. Any library that implements the Python array API
standard (https://data-apis.org/array-api/) can hold a Tensor's ``.data`` instead: CuPy on a
CUDA GPU (through ``array-api-compat``), ``array-api-strict`` on the CPU (the portability
tests). Gradient rules never name numpy; they ask for the namespace of their input::

    xp = namespace(x)           # numpy for numpy arrays and Python numbers
    return xp.sum(x * y, axis=0)

``namespace`` is one dict lookup by the array's type, so numpy's path stays as fast as
calling ``np.`` directly. What the standard lacks (a scatter-add that accumulates repeated
indices, ``pad``, floating-point error-state control, a view with strides) is one function
each, with numpy's fast path first.

Devices (``gg.device("cuda:0")``) are described in ``devices.py``; the backend of a device
is found by its type: ``"cpu"`` is numpy, ``"cuda"`` is CuPy and ``"array_api_strict"`` is
the strict reference implementation (devices ``CPU_DEVICE``, ``device1``, ``device2``,
``no_float64``, ``no_x64``).

The names below are all importable from here (``backend.namespace``); they live in modules
by purpose: ``namespaces`` (which library, dtypes), ``host`` (backends, devices, host and
device copies), ``scatter`` (scatter-add and in-place writes), ``numerics`` (error state,
accumulate, elementwise functions), ``buffers`` (recycled work arrays) and ``windows``
(layouts, windows, padding, einsum).
A new shim goes into the module of its purpose and its name into that module's ``__all__``.
"""
from .buffers import release_reusable, reusable_empty
from .host import Backend, backend_named, backend_of, from_host, host_zeros, is_writable, to_host
from .namespaces import (
    as_array,
    default_float,
    dtype_in,
    dtype_kind,
    index_dtype,
    is_array,
    is_floating,
    is_foreign_array,
    is_numpy,
    namespace,
    numpy_dtype,
)
from .numerics import (
    accumulate,
    any_true,
    errstate,
    exp2,
    fmod,
    isclose,
    nan_to_num,
    round_decimals,
    sigmoid,
)
from .scatter import add_at_columns, into, masked, maximum_into, scatter_add, set_masked
from .windows import contiguous, einsum, linear, matrix_transpose, pad, sliding_windows

__all__ = ["namespace", "is_numpy", "is_foreign_array", "as_array", "backend_of", "Backend",
           "backend_named", "to_host", "scatter_add", "pad", "errstate", "numpy_dtype",
           "dtype_in", "is_floating", "dtype_kind",
           # shims of the ported ops (h19p3) and of nn's layers and optimizers (h19p4)
           "matrix_transpose", "sliding_windows", "einsum", "contiguous", "maximum_into",
           "add_at_columns", "into", "from_host", "is_writable",
           # shims of the structural ops (h19p2)
           "accumulate",
           # shims of the elementwise ops (h19p1)
           "default_float", "sigmoid", "any_true", "exp2", "round_decimals", "fmod",
           "nan_to_num", "isclose",
           # shims of the attention, packed-sequence and module ports (h19a)
           "is_array",
           # fast paths of the MLP step (h20m)
           "linear",
           # host boundaries: buffers a host library fills (h19b)
           "host_zeros",
           # the device's index dtype (h19c)
           "index_dtype",
           # fast paths of the conv, pooling and recurrent kernels (h20n)
           "masked", "set_masked", "reusable_empty", "release_reusable"]
