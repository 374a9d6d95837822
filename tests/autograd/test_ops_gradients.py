"""Gradients of every op: gradcheck in float64 over hypothesis-drawn inputs, tie rules,
and known values worked out by hand."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import gradcheck
from tests.autograd.op_specs import SPEC_IDS, SPECS, cases


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
@given(data=st.data())
def test_op_gradcheck(spec, data):
    arrays, kwargs = data.draw(cases(spec, max_side=3))
    leaves = [ag.Tensor(a, requires_grad=True) for a in arrays]
    assert gradcheck(lambda *xs: spec.fn(*xs, **kwargs), leaves, **spec.check)
