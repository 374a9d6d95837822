"""Losses: hand-computed values, reductions, gradients (float64), stability, PyTorch agreement."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import graphgrad.nn.functional as F
from graphgrad import autograd, nn
from graphgrad.autograd import Tensor
from graphgrad.autograd.testing import gradcheck, gradgradcheck
from graphgrad.autograd.testing import strategies as ats

REDUCTIONS = ["mean", "sum", "none"]
batch_sizes = st.integers(1, 5)
classes = st.integers(2, 6)


def t64(values, requires_grad=True):
    return Tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def softplus(x):
    return np.logaddexp(0, x)


# ------------------------------------------------------------------ known values
def test_mse_l1_huber_known_values():
    x, y = t64([1.0, -2.0, 0.5]), t64([0.0, 0.0, 0.0], requires_grad=False)
    # squares 1, 4, 0.25; absolutes 1, 2, 0.5; huber(delta=1): 0.5, 1.5, 0.125
    assert F.mse_loss(x, y).item() == pytest.approx(5.25 / 3)
    assert F.l1_loss(x, y, reduction="sum").item() == pytest.approx(3.5)
    np.testing.assert_allclose(F.huber_loss(x, y, reduction="none").data, [0.5, 1.5, 0.125])
    np.testing.assert_allclose(nn.HuberLoss(delta=2.0, reduction="none")(x, y).data,
                               [0.5, 2.0, 0.125])  # |d| = 2 is the linear branch: 2 (2 - 1)


def test_cross_entropy_known_values():
    logits = t64([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    target = np.array([0, 2])
    first = math.log(1 + 2 * math.exp(-2.0))  # -log(e^2 / (e^2 + 2))
    second = math.log(3.0)
    np.testing.assert_allclose(F.cross_entropy(logits, target, reduction="none").data,
                               [first, second])
    assert nn.CrossEntropyLoss()(logits, target).item() == pytest.approx((first + second) / 2)
    # gradient: (softmax - onehot) / N
    F.cross_entropy(logits, target).backward()
    p = np.exp(logits.data) / np.exp(logits.data).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(logits.grad.data, (p - np.eye(3)[target]) / 2)


def test_cross_entropy_weight_ignore_index_and_label_smoothing_by_hand():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0], [2.0, 2.0, 2.0]])
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    target = np.array([1, -100, 0])
    w = np.array([0.5, 2.0, 1.0])
    nll = -(w[1] * logp[0, 1] + w[0] * logp[2, 0]) / (w[1] + w[0])
    got = F.cross_entropy(t64(z), target, w).item()
    assert got == pytest.approx(nll)
    eps = 0.1
    smooth = -((w * logp[0]).sum() + (w * logp[2]).sum()) / (w[1] + w[0])
    expected = (1 - eps) * nll + eps / 3 * smooth
    assert nn.CrossEntropyLoss(weight=w, label_smoothing=eps)(t64(z), target).item() == \
        pytest.approx(expected)


def test_nll_loss_known_values():
    logp = t64(np.log([[0.2, 0.8], [0.6, 0.4]]))
    target = np.array([1, 0])
    assert F.nll_loss(logp, target).item() == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)
    composed = nn.NLLLoss()(nn.LogSoftmax(dim=1)(t64([[1.0, 3.0]])), np.array([1]))
    direct = F.cross_entropy(t64([[1.0, 3.0]]), np.array([1]))
    assert composed.item() == pytest.approx(direct.item())


def test_bce_and_with_logits_known_values():
    p, y = t64([0.9, 0.2]), t64([1.0, 0.0], requires_grad=False)
    expected = -(math.log(0.9) + math.log(0.8)) / 2
    assert nn.BCELoss()(p, y).item() == pytest.approx(expected)
    logits = t64([math.log(9.0), math.log(0.25)])  # sigmoid: 0.9, 0.2
    assert nn.BCEWithLogitsLoss()(logits, y).item() == pytest.approx(expected)
    pos = nn.BCEWithLogitsLoss(pos_weight=np.array([3.0]), reduction="none")(logits, y)
    np.testing.assert_allclose(pos.data, [-3 * math.log(0.9), -math.log(0.8)])


# ------------------------------------------------------------------ reductions
LOSSES = {
    "mse_loss": (nn.MSELoss, lambda n, k, rng: (rng.standard_normal((n, k)),
                                                rng.standard_normal((n, k)))),
    "l1_loss": (nn.L1Loss, lambda n, k, rng: (rng.standard_normal((n, k)),
                                              rng.standard_normal((n, k)))),
    "huber_loss": (nn.HuberLoss, lambda n, k, rng: (3 * rng.standard_normal((n, k)),
                                                    rng.standard_normal((n, k)))),
    "binary_cross_entropy": (nn.BCELoss, lambda n, k, rng: (rng.uniform(0.05, 0.95, (n, k)),
                                                            rng.uniform(0, 1, (n, k)))),
    "binary_cross_entropy_with_logits": (nn.BCEWithLogitsLoss, lambda n, k, rng: (
        3 * rng.standard_normal((n, k)), rng.uniform(0, 1, (n, k)))),
    "cross_entropy": (nn.CrossEntropyLoss, lambda n, k, rng: (
        3 * rng.standard_normal((n, k)), rng.integers(0, k, n))),
    "nll_loss": (nn.NLLLoss, lambda n, k, rng: (-rng.uniform(0.1, 3, (n, k)),
                                                rng.integers(0, k, n))),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_reductions_agree(name):
    module_cls, make = LOSSES[name]
    x, y = make(4, 3, np.random.default_rng(0))
    fn = getattr(F, name)
    none = fn(t64(x), y, reduction="none").data
    assert none.shape == (x.shape if y.shape == x.shape else y.shape)
    assert fn(t64(x), y, reduction="sum").item() == pytest.approx(none.sum())
    assert module_cls(reduction="sum")(t64(x), y).item() == pytest.approx(none.sum())
    if name not in ("cross_entropy", "nll_loss"):
        assert fn(t64(x), y).item() == pytest.approx(none.mean())


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_unknown_reduction_is_value_error_naming_it(name):
    module_cls, make = LOSSES[name]
    with pytest.raises(ValueError, match="'average'"):
        module_cls(reduction="average")
    x, y = make(2, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="'avg'"):
        getattr(F, name)(t64(x), y, reduction="avg")


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss", "binary_cross_entropy",
                                  "binary_cross_entropy_with_logits"])
def test_elementwise_loss_rejects_mismatched_shapes(name):
    with pytest.raises(autograd.ShapeError, match=name):
        getattr(F, name)(t64(np.full((3, 1), 0.5)), np.full(3, 0.5))


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(n=batch_sizes, k=classes, seed=st.integers(0, 2 ** 16))
def test_loss_gradcheck(name, reduction, n, k, seed):
    module_cls, make = LOSSES[name]
    x, y = make(n, k, np.random.default_rng(seed))
    if name in ("huber_loss", "l1_loss"):  # keep |input - target| off the kinks
        x = np.where(np.abs(x - y) < 1e-3, x + 0.1, x)
        x = np.where(np.abs(np.abs(x - y) - 1) < 1e-3, x + 0.1, x)
    inputs = [t64(x)]
    if y.dtype.kind == "f":
        inputs.append(t64(y))  # targets of the regression and binary losses are differentiable
    loss = module_cls(reduction=reduction)
    assert gradcheck(lambda *a: loss(a[0], a[1] if len(a) > 1 else y), tuple(inputs))


@given(n=batch_sizes, k=classes, smoothing=st.sampled_from([0.0, 0.3]),
       reduction=st.sampled_from(REDUCTIONS), weighted=st.booleans(), data=st.data())
def test_cross_entropy_gradcheck_and_second_order(n, k, smoothing, reduction, weighted, data):
    z = data.draw(ats.tensors(shape=(n, k), min_value=-5, max_value=5))
    target = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    weight = np.linspace(0.5, 2.0, k) if weighted else None

    def fn(z):
        return F.cross_entropy(z, target, weight, reduction=reduction, label_smoothing=smoothing)

    assert gradcheck(fn, z)
    assert gradgradcheck(fn, z)


def test_cross_entropy_spatial_and_probability_targets_gradcheck():
    rng = np.random.default_rng(3)
    z = t64(rng.standard_normal((2, 3, 2, 2)))
    target = rng.integers(0, 3, (2, 2, 2))
    target[0, 0, 0] = -100
    assert F.cross_entropy(z, target, reduction="none").shape == (2, 2, 2)
    assert gradcheck(lambda z: F.cross_entropy(z, target), z)
    probs = rng.dirichlet(np.ones(3), 4)
    assert gradcheck(lambda z: F.cross_entropy(z, probs, label_smoothing=0.2),
                     t64(rng.standard_normal((4, 3))))


def test_cross_entropy_is_one_fused_node():
    loss = F.cross_entropy(t64(np.zeros((2, 3))), np.array([0, 1]))
    assert loss.grad_fn.name() == "cross_entropy"
    assert all(getattr(p, "grad_fn", None) is None for p in loss.grad_fn.parents)


def test_cross_entropy_bad_targets():
    z = t64(np.zeros((2, 3)))
    with pytest.raises(IndexError, match="target 3 is out of bounds for 3 classes"):
        F.cross_entropy(z, np.array([0, 3]))
    with pytest.raises(autograd.ShapeError, match="targets of shape"):
        F.cross_entropy(z, np.array([0, 1, 2]))


# ------------------------------------------------------------------ stability
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_finite_for_huge_logits(dtype):
    z = Tensor(np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0], [1e4, 1e4, -1e4]], dtype=dtype),
               requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = F.cross_entropy(z, np.array([1, 1, 0]))
        loss.backward()
    # row 1 is 2e4 off; rows 2 and 3 are right (row 3 splits evenly: log 2)
    assert loss.item() == pytest.approx((2e4 + 0.0 + math.log(2)) / 3, rel=1e-6)
    assert np.isfinite(z.grad.data).all() and z.grad.dtype == dtype


def test_bce_with_logits_finite_for_huge_logits():
    x = Tensor(np.array([1e4, -1e4, 1e4, -1e4], dtype=np.float32), requires_grad=True)
    y = np.array([1.0, 0.0, 0.0, 1.0], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
        loss.sum().backward()
    np.testing.assert_allclose(loss.data, [0, 0, 1e4, 1e4])
    np.testing.assert_allclose(x.grad.data, [0, 0, 1, -1])


def test_bce_clamps_log_at_minus_100():
    p = t64([0.0, 1.0, 0.0])
    loss = F.binary_cross_entropy(p, np.array([1.0, 0.0, 0.0]), reduction="none")
    np.testing.assert_allclose(loss.data, [100.0, 100.0, 0.0])
    loss.sum().backward()
    assert np.isfinite(p.grad.data).all()
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.binary_cross_entropy(t64([1.5]), np.array([1.0]))


# ------------------------------------------------------------------ against PyTorch
@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_matches_torch(name, reduction):
    torch = pytest.importorskip("torch")
    module_cls, make = LOSSES[name]
    x, y = make(5, 4, np.random.default_rng(11))
    ours = getattr(F, name)(t64(x), y, reduction=reduction)
    theirs = getattr(torch.nn.functional, name)(torch.tensor(x), torch.tensor(y),
                                                reduction=reduction)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-10, atol=1e-12)
