"""Second derivatives of every row of the op spec tables (``op_specs.py`` and the
families with tables of their own): gradgradcheck per row.

Every rule is built from differentiable ops, so ``create_graph=True`` must give
the exact second derivative. No row is exempt: where a second derivative is
undefined (kinks of relu, abs, clip, max), the row's inputs already stay away
from it. 10 examples per row under the ``ci`` profile, half the profile's count
under ``thorough``.
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphgrad.autograd as ag
from graphgrad.autograd.testing import gradgradcheck
from tests.autograd.op_specs import SPECS, cases
from tests.autograd.op_specs_activation import ACTIVATION_SPECS
from tests.autograd.op_specs_indexing import INDEXING_SPECS
from tests.autograd.op_specs_linalg import LINALG_SPECS
from tests.autograd.op_specs_rearrange import REARRANGE_SPECS

SECOND_ORDER_SPECS = INDEXING_SPECS + LINALG_SPECS + REARRANGE_SPECS + ACTIVATION_SPECS


@pytest.mark.parametrize("spec", SPECS + SECOND_ORDER_SPECS,
                         ids=[s.name for s in SPECS + SECOND_ORDER_SPECS])
@settings(max_examples=max(10, settings().max_examples // 2))
@given(data=st.data())
def test_op_gradgradcheck(spec, data):
    arrays, kwargs = data.draw(cases(spec, max_side=3))
    leaves = [ag.Tensor(a, requires_grad=True) for a in arrays]
    assert gradgradcheck(lambda *xs: spec.fn(*xs, **kwargs), leaves, **spec.check)
