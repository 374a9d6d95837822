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
from tests.autograd.op_specs import SPECS, cases, float_outputs
from tests.autograd.op_specs_activation import ACTIVATION_SPECS
from tests.autograd.op_specs_indexing import INDEXING_SPECS
from tests.autograd.op_specs_linalg import LINALG_SPECS
from tests.autograd.op_specs_math import MATH_SPECS
from tests.autograd.op_specs_rearrange import REARRANGE_SPECS

SECOND_ORDER_SPECS = INDEXING_SPECS + LINALG_SPECS + REARRANGE_SPECS + ACTIVATION_SPECS
# NOTE: issue 14's math rows opt in (gradgrad=True): the rest return indices or booleans,
# or have gradient 0 everywhere (floor, sign, ...), with nothing to differentiate again.
_MATH_OPT_OUT = {spec.name for spec in MATH_SPECS if not spec.gradgrad}
ROWS = [spec for spec in SPECS + SECOND_ORDER_SPECS if spec.name not in _MATH_OPT_OUT]


@pytest.mark.parametrize("spec", ROWS, ids=[s.name for s in ROWS])
@settings(max_examples=max(10, settings().max_examples // 2))
@given(data=st.data())
def test_op_gradgradcheck(spec, data):
    arrays, kwargs = data.draw(cases(spec, max_side=3))
    leaves = [ag.Tensor(a, requires_grad=True) for a in arrays]
    assert gradgradcheck(float_outputs(spec, kwargs), leaves, **spec.check)
