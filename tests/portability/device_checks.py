"""Run one op spec on a device and compare it with numpy: shared by tests/portability and tests/gpu.

``check_on_device(spec, arrays, kwargs, where, seed)`` takes a case drawn by
``op_specs.cases`` (numpy arrays and constants) and checks, on device ``where``:

- forward, every spelling (``spec.fn`` and ``spec.forms``): each output is a Tensor on
  ``where`` with the reference's shape and dtype, and its values (copied to the host)
  match ``spec.ref`` on the host; float outputs record a graph;
- gradient: ``sum(out * v)`` for a fixed random ``v`` is differentiated on the device
  and every element of every input's gradient is compared with the numpy backend's
  analytic gradient (which ``tests/autograd/test_ops_gradients.py`` gradchecks element by
  element); on a float64 device also with central differences taken ON the device along
  a random direction per input (gradcheck's fast mode: one perturbation of the whole
  input instead of one per element, so the numerical side stays cheap), with the
  spec's own gradcheck ``eps``/``atol``/``rtol``.

On a device without float64 (``array_api_strict:no_float64``) the float inputs are
float32, the forward is compared with the reference computed in float64 on the same
float32 values, and the gradient with the numpy backend's float32 gradient, both at
float32 tolerances; specs whose op makes float64 by definition (``keeps_dtype=False``)
are skipped there.

Constants in ``kwargs`` that are arrays (indices, masks, conditions) are moved to the
device, as a program on a GPU would hold them; the reference gets the numpy ones.
"""
from __future__ import annotations

import numpy as np

import graphgrad.autograd as ag
from graphgrad.autograd import backend
from graphgrad.autograd.devices import move

# float32 devices: values within ~1000 float32 ulps of the float64 reference
FLOAT32_FORWARD = {"rtol": 1e-4, "atol": 1e-5}
FLOAT32_GRADIENT = {"rtol": 1e-4, "atol": 1e-5}
# float64 devices: the device's analytic gradient against numpy's (same formulas)
FLOAT64_GRADIENT = {"rtol": 1e-9, "atol": 1e-12}
GRADCHECK = {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3}  # gradcheck's defaults


def has_float64(where: ag.device) -> bool:
    """False for array-api-strict's ``no_float64`` and ``no_x64`` devices."""
    return str(where.index) not in ("no_float64", "no_x64")


def has_int64(where: ag.device) -> bool:
    """False for array-api-strict's ``no_x64`` device (32-bit integers only)."""
    return str(where.index) != "no_x64"


def device_int(dtype, where: ag.device) -> np.dtype:
    """The integer dtype ``dtype`` has on ``where``: int64 is int32 on ``no_x64`` (whose
    default index dtype is int32), as float64 inputs are float32 on the float32 devices."""
    dtype = np.dtype(dtype)
    if not has_int64(where) and dtype.kind in "iu" and dtype.itemsize == 8:
        return np.dtype(f"{dtype.kind}4")
    return dtype


def on_device(value, where):
    """``value`` with every numpy array in it (inside tuples, lists and dicts: an op's
    keyword arguments) moved to ``where`` (64-bit integers as ``device_int`` says)."""
    if isinstance(value, np.ndarray):
        return move(value.astype(device_int(value.dtype, where), copy=False), where)
    if isinstance(value, dict):
        return {key: on_device(v, where) for key, v in value.items()}
    if isinstance(value, tuple):
        return tuple(on_device(v, where) for v in value)
    if isinstance(value, list) and any(isinstance(v, (np.ndarray, tuple, list)) for v in value):
        return [on_device(v, where) for v in value]
    return value


def _as_tuple(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _is_float(array) -> bool:
    return np.asarray(array).dtype.kind == "f"


def _leaves(arrays, where, dtype):
    """Float inputs as ``dtype`` leaves that require grad on ``where``; others just moved."""
    return [ag.tensor(a.astype(dtype), requires_grad=True, device=where) if _is_float(a)
            else ag.tensor(on_device(np.asarray(a), where), device=where) for a in arrays]


def _host(tensor) -> np.ndarray:
    return backend.to_host(tensor.data)


def _close(got, expected, what, **tolerance):
    np.testing.assert_allclose(got, expected, err_msg=what, **tolerance)


def check_forward(spec, arrays, kwargs, where, dtype):
    """Every spelling of ``spec`` on ``where`` agrees with the numpy reference."""
    host_inputs = [a.astype(dtype).astype(np.float64) if _is_float(a) else a for a in arrays]
    expected = _as_tuple(spec.ref(*host_inputs, **kwargs))
    if dtype == np.float64:
        tolerance = {"rtol": 1e-10, "atol": 1e-12} | spec.fwd_tol
    else:
        tolerance = {k: max(v, spec.fwd_tol.get(k, 0.0)) for k, v in FLOAT32_FORWARD.items()}
    device_kwargs = on_device(kwargs, where)
    for number, form in enumerate((spec.fn,) + spec.forms):
        got = _as_tuple(form(*_leaves(arrays, where, dtype), **device_kwargs))
        assert len(got) == len(expected), f"spelling {number}: {len(got)} outputs"
        for out, ref in zip(got, expected):
            what = f"{spec.name} on {where}, spelling {number}"
            assert isinstance(out, ag.Tensor), what
            assert out.device == where, f"{what}: result on {out.device}"
            assert out.shape == np.shape(ref), f"{what}: shape {out.shape} != {np.shape(ref)}"
            if not _is_float(ref):  # indices, tests, logic: exact, no grad
                assert out.dtype == device_int(np.asarray(ref).dtype, where), what
                np.testing.assert_array_equal(_host(out), ref, err_msg=what)
                continue
            assert out.dtype == dtype, f"{what}: dtype {out.dtype}, not {np.dtype(dtype)}"
            _close(_host(out), ref, what, **tolerance)
            assert out.requires_grad and out.grad_fn is not None, what


def _float_outputs(spec, leaves, kwargs):
    return [o for o in _as_tuple(spec.fn(*leaves, **kwargs)) if o.dtype.kind == "f"]


def _weights(spec, arrays, kwargs, rng):
    """One fixed random weight array per float output (magnitudes in [0.5, 1.5])."""
    with ag.no_grad():
        outs = _float_outputs(spec, _leaves(arrays, ag.device("cpu"), np.float64), kwargs)
    return [rng.choice([-1.0, 1.0], size=o.shape) * rng.uniform(0.5, 1.5, size=o.shape)
            for o in outs]


def _analytic(spec, arrays, kwargs, where, dtype, weights):
    """The gradients of ``sum(out * v)`` with respect to the float inputs, on the host.

    ``v`` goes in as backward's ``grad_outputs`` (on the device), so nothing but the op
    under test and the engine runs.
    """
    leaves = _leaves(arrays, where, dtype)
    checked = [leaf for leaf in leaves if leaf.requires_grad]
    outs = _float_outputs(spec, leaves, on_device(kwargs, where))
    pairs = [(out, ag.tensor(weight.astype(out.dtype), device=where))
             for out, weight in zip(outs, weights) if out.requires_grad]
    if not pairs:
        return [np.zeros(leaf.shape) for leaf in checked]
    grads = ag.grad([out for out, _ in pairs], checked, grad_outputs=[v for _, v in pairs],
                    allow_unused=True)
    host = []
    for leaf, grad in zip(checked, grads):
        if grad is None:
            host.append(np.zeros(leaf.shape))
            continue
        assert grad.device == where, f"{spec.name}: gradient on {grad.device}, not {where}"
        assert grad.dtype == leaf.dtype, f"{spec.name}: gradient dtype {grad.dtype}"
        host.append(_host(grad))
    return host


def _projected_value(spec, arrays, kwargs, where, dtype, weights):
    """``sum(out * v)`` of the outputs computed on ``where``, in float64 on the host."""
    with ag.no_grad():
        outs = _float_outputs(spec, _leaves(arrays, where, dtype), kwargs)
    return sum(float(np.sum(_host(out) * weight)) for out, weight in zip(outs, weights))


def check_gradient(spec, arrays, kwargs, where, dtype, seed):
    """The gradient on ``where`` agrees with numpy's, and (float64) with central differences."""
    rng = np.random.default_rng(seed)
    weights = _weights(spec, arrays, kwargs, rng)
    on_cpu = _analytic(spec, arrays, kwargs, ag.device("cpu"), dtype, weights)
    on_device_grads = _analytic(spec, arrays, kwargs, where, dtype, weights)
    tolerance = FLOAT64_GRADIENT if dtype == np.float64 else FLOAT32_GRADIENT
    for number, (got, expected) in enumerate(zip(on_device_grads, on_cpu)):
        _close(got, expected, f"{spec.name} on {where}: gradient of input {number} "
               "differs from the numpy backend's", **tolerance)
    if dtype != np.float64:
        return
    check = GRADCHECK | spec.check
    device_kwargs = on_device(kwargs, where)
    float_positions = [i for i, a in enumerate(arrays) if _is_float(a)]
    for number, (position, analytic) in enumerate(zip(float_positions, on_device_grads)):
        direction = rng.uniform(-1.0, 1.0, size=np.shape(arrays[position]))
        values = []
        for step in (check["eps"], -check["eps"]):
            moved = list(arrays)
            moved[position] = arrays[position] + step * direction
            values.append(_projected_value(spec, moved, device_kwargs, where, dtype, weights))
        numerical = (values[0] - values[1]) / (2 * check["eps"])
        directional = float(np.sum(analytic * direction))
        assert abs(directional - numerical) <= check["atol"] + check["rtol"] * abs(numerical), (
            f"{spec.name} on {where}: input {number}'s gradient along a random direction is "
            f"{directional!r}, central differences on the device give {numerical!r}")


def check_on_device(spec, arrays, kwargs, where, seed):
    """Forward and (if differentiable) gradient of ``spec`` on device ``where``."""
    dtype = np.float64 if has_float64(where) else np.float32
    check_forward(spec, arrays, kwargs, where, dtype)
    if spec.differentiable:
        check_gradient(spec, arrays, kwargs, where, dtype, seed)
