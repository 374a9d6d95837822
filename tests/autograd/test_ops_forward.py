"""Every op of ``op_specs.SPECS`` agrees with its numpy reference, in every spelling.

Shapes come from hypothesis: 0-d arrays, size-1 axes, broadcasting pairs. One
drawn case checks float64 values against numpy, that float32 inputs give float32
outputs, and that nothing is recorded under ``no_grad``.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import graphgrad.autograd as ag
from tests.autograd.op_specs import SPEC_IDS, SPECS, cases


def _as_tuple(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _leaves(arrays, dtype=np.float64):
    """Float inputs as ``dtype`` leaves that require grad; integer and bool ones as they are."""
    return [ag.Tensor(a.astype(dtype), requires_grad=True) if a.dtype.kind == "f"
            else ag.Tensor(a) for a in arrays]


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
@given(data=st.data())
def test_op_forward_matches_numpy(spec, data):
    arrays, kwargs = data.draw(cases(spec, max_side=4))
    expected = _as_tuple(spec.ref(*arrays, **kwargs))
    tolerance = {"rtol": 1e-10, "atol": 1e-12} | spec.fwd_tol
    for form in (spec.fn,) + spec.forms:
        got = _as_tuple(form(*_leaves(arrays), **kwargs))
        assert len(got) == len(expected)
        for out, ref in zip(got, expected):
            assert isinstance(out, ag.Tensor)
            assert out.shape == np.shape(ref)
            if np.asarray(ref).dtype.kind != "f":  # indices, tests, logic: exact, no grad
                assert out.dtype == np.asarray(ref).dtype
                np.testing.assert_array_equal(out.data, ref)
                assert not out.requires_grad and out.grad_fn is None
                continue
            assert spec.differentiable
            assert out.dtype == np.float64
            np.testing.assert_allclose(out.data, ref, **tolerance)
            assert out.requires_grad and out.grad_fn is not None

    if spec.keeps_dtype:  # Python-number constants inside ops must not upcast float32
        for out in _as_tuple(spec.fn(*_leaves(arrays, np.float32), **kwargs)):
            assert out.dtype == np.float32 or out.dtype.kind != "f"

    with ag.no_grad():
        for out in _as_tuple(spec.fn(*_leaves(arrays), **kwargs)):
            assert out.grad_fn is None and not out.requires_grad
