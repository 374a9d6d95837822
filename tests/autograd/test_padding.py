"""pad's modes and negative widths: spec-style checks against numpy, and F.pad against torch."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import graphgrad.autograd as ag
import graphgrad.nn.functional as F
from graphgrad.autograd.errors import DtypeError, ShapeError
from graphgrad.autograd.testing import gradcheck, gradgradcheck
from graphgrad.autograd.testing import strategies as gst

NUMPY_NAME = {"constant": "constant", "reflect": "reflect", "replicate": "edge",
              "circular": "wrap"}


@st.composite
def pad_cases(draw):
    shape = draw(gst.shapes(1, 3, max_side=4))
    widths = []
    for n in shape:
        lo = draw(st.integers(-min(1, n - 1), 3))
        hi = draw(st.integers(-min(1, n - 1 - max(-lo, 0)), 3))
        widths.append((lo, hi))
    x = draw(gst.arrays(shape, elements=(-3, 3)))
    return x, tuple(widths), draw(st.sampled_from(sorted(NUMPY_NAME)))


def _numpy_pad(x, widths, mode, value=0.0):
    crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(widths, x.shape))
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
    kwargs = {"constant_values": value} if mode == "constant" else {}
    return np.pad(x[crop], grow, mode=NUMPY_NAME[mode], **kwargs)


@given(pad_cases())
def test_pad_modes_match_numpy_and_gradcheck(case):
    x, widths, mode = case
    out = ag.pad(ag.tensor(x), widths, 1.5, mode=mode)
    np.testing.assert_allclose(out.data, _numpy_pad(x, widths, mode, 1.5), rtol=0)
    np.testing.assert_allclose(ag.tensor(x).pad(widths, mode=mode).data,
                               _numpy_pad(x, widths, mode), rtol=0)
    leaf = ag.tensor(x, requires_grad=True)
    assert gradcheck(lambda t: ag.pad(t, widths, mode=mode), leaf)
    assert gradgradcheck(lambda t: ag.pad(t, widths, mode=mode) ** 2, leaf)


def test_numpy_spellings():
    x = ag.tensor([1.0, 2.0, 3.0])
    assert ag.pad(x, 1, "edge").tolist() == [1.0, 1.0, 2.0, 3.0, 3.0]
    assert ag.pad(x, (1, 1), mode="wrap").tolist() == [3.0, 1.0, 2.0, 3.0, 1.0]
    assert ag.pad(x, 1, constant_values=7.0).tolist() == [7.0, 1.0, 2.0, 3.0, 7.0]


@pytest.mark.parametrize("mode, pad", [
    ("constant", (1, 2, 0, 1)), ("constant", (-1, 2, 1, -2)), ("reflect", (2, 1, 1, 2)),
    ("replicate", (3, 0, 2, 1)), ("circular", (1, 2, 2, 0)), ("replicate", (0, 0, 2, 2)),
])
def test_functional_pad_matches_torch(mode, pad):
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
    x, tx = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    out = F.pad(x, pad, mode=mode, value=0.5 if mode == "constant" else None)
    ref = torch.nn.functional.pad(tx, pad, mode=mode, value=0.5 if mode == "constant" else None)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12)
    weights = np.random.default_rng(1).normal(size=out.shape)
    (out * ag.tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("call, error, words", [
    (lambda: ag.pad(ag.zeros(3), 1, mode="mirror"), ValueError, "mode"),
    (lambda: ag.pad(ag.zeros(3), (-2, -2)), ShapeError, "crops more"),
    (lambda: ag.pad(ag.zeros((2, 3)), ((1, 1), (1, 1), (1, 1))), ShapeError, "(2, 3)"),
    (lambda: ag.pad(ag.zeros(3), 1.5), TypeError, "integers"),
    (lambda: ag.pad(ag.zeros(3), 1, ag.tensor(1.0)), DtypeError, "value"),
    (lambda: ag.pad(ag.zeros(0), 1, mode="reflect"), ShapeError, "length 0"),
    (lambda: F.pad(ag.zeros(3), (1, 1, 1)), ValueError, "even length"),
])
def test_bad_arguments_raise_errors_naming_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert str(info.value).startswith("pad:") and words in str(info.value)
