"""Second derivatives of the op families with tables of their own: gradgradcheck per row.

Every rule of these families is built from differentiable ops, so
``create_graph=True`` must give the exact second derivative.
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphgrad.autograd as ag
from graphgrad.autograd.testing import gradgradcheck
from tests.autograd.op_specs import cases
from tests.autograd.op_specs_activation import ACTIVATION_SPECS
from tests.autograd.op_specs_indexing import INDEXING_SPECS
from tests.autograd.op_specs_linalg import LINALG_SPECS
from tests.autograd.op_specs_rearrange import REARRANGE_SPECS

SECOND_ORDER_SPECS = INDEXING_SPECS + LINALG_SPECS + REARRANGE_SPECS + ACTIVATION_SPECS


@pytest.mark.parametrize("spec", SECOND_ORDER_SPECS, ids=[s.name for s in SECOND_ORDER_SPECS])
@settings(max_examples=10)
@given(data=st.data())
def test_op_gradgradcheck(spec, data):
    arrays, kwargs = data.draw(cases(spec, max_side=3))
    leaves = [ag.Tensor(a, requires_grad=True) for a in arrays]
    assert gradgradcheck(lambda *xs: spec.fn(*xs, **kwargs), leaves, **spec.check)
