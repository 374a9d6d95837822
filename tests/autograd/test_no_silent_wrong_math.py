"""Regression tests of issue 13 (no silent wrong gradient) and issue 21's zero-not-None.

Each test is one case that gave a wrong number, a NaN where PyTorch's value is
finite, or wrapped an axis, without any error. Values are checked against the
numbers PyTorch 2.13 gives (written out here, so the tests run without torch).
"""
import numpy as np
import pytest

import graphgrad.autograd as ag


def _t(values, requires_grad=True):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


# ---------------------------------------------------------------- item 6: axes never wrap
@pytest.mark.parametrize("call", [
    lambda x: x.transpose(1, 2),
    lambda x: x.transpose(2, 0),
    lambda x: x.transpose((0, 2)),
    lambda x: x.transpose(0, 1, 2),
    lambda x: x.permute(2, 1),
    lambda x: x.permute(0, -3),
    lambda x: ag.permute(x, (1, 2)),
    lambda x: x.swapaxes(0, 2),
    lambda x: x.flatten(0, 2),
    lambda x: x.flatten(-3),
    lambda x: x.split(1, axis=2),
    lambda x: x.split(1, axis=-3),
], ids=["transpose(1,2)", "transpose(2,0)", "transpose((0,2))", "transpose(0,1,2)",
        "permute(2,1)", "permute(0,-3)", "ag.permute((1,2))", "swapaxes(0,2)",
        "flatten(0,2)", "flatten(-3)", "split(axis=2)", "split(axis=-3)"])
def test_axis_out_of_range_raises_never_wraps(call):
    with pytest.raises(np.exceptions.AxisError, match="out of bounds"):
        call(ag.zeros((2, 3)))


def test_repeated_axis_in_a_permutation_raises():
    with pytest.raises(ValueError, match="repeated axis"):
        ag.zeros((2, 3)).permute(0, 0)


def test_transpose_with_two_integers_swaps_for_every_ndim():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(ag.tensor(x).transpose(0, 2).data, np.swapaxes(x, 0, 2))
    np.testing.assert_array_equal(ag.tensor(x).transpose(-1, 1).data, np.swapaxes(x, -1, 1))
    m = np.arange(6.0).reshape(2, 3)
    # 2-D: transpose(0, 1) swaps (PyTorch), where numpy's transpose(0, 1) is the identity
    np.testing.assert_array_equal(ag.tensor(m).transpose(0, 1).data, m.T)
    np.testing.assert_array_equal(ag.tensor(m).transpose(1, 0).data, m.T)
    # a tuple is numpy's permutation: (0, 1) keeps the order
    np.testing.assert_array_equal(ag.tensor(m).transpose((0, 1)).data, m)
    np.testing.assert_array_equal(ag.tensor(x).transpose(2, 0, 1).data, x.transpose(2, 0, 1))
    np.testing.assert_array_equal(ag.tensor(x).transpose().data, x.T)
    np.testing.assert_array_equal(ag.tensor(x).T.data, x.T)
    # and the gradient goes back through the swap
    leaf = _t(m)
    (leaf.transpose(0, 1) * ag.tensor(np.arange(6.0).reshape(3, 2))).sum().backward()
    np.testing.assert_array_equal(leaf.grad.data, np.arange(6.0).reshape(3, 2).T)
