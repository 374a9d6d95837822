"""The distance and likelihood losses, normalize/cosine_similarity/pairwise_distance and
cross_entropy with probability targets: closed forms, gradcheck and gradgradcheck in
float64 (input and target), torch (values and both gradients), modules, errors."""
import math

import numpy as np
import pytest

import graphgrad.nn.functional as F
from graphgrad import nn
from graphgrad.autograd import ShapeError, Tensor
from graphgrad.autograd.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)
X, Y, Z = (RNG.standard_normal((4, 5)) for _ in range(3))
PROBS = RNG.dirichlet(np.ones(5), size=4)
SIGNS = np.array([1, -1, 1, -1])
# NOTE: off the integers: full=True's Stirling term switches on at target > 1, a jump that
# central differences straddle at a target of exactly 1.
COUNTS = RNG.poisson(3.0, size=(4, 5)) + 0.25
VAR = RNG.uniform(0.5, 2.0, size=(4, 5))

# name, our call, torch call (same argument order), float inputs, index of differentiable ones
CASES = [
    ("normalize", lambda f, a: f.normalize(a, p=3.0, dim=0), (X,)),
    ("cosine_similarity", lambda f, a, b: f.cosine_similarity(a, b, dim=1), (X, Y)),
    ("pairwise_distance", lambda f, a, b: f.pairwise_distance(a, b, p=1.5, keepdim=True),
     (X, Y)),
    ("kl_div", lambda f, a, b: f.kl_div(a, b, reduction="batchmean"),
     (np.log(PROBS[::-1].copy()), PROBS)),
    ("kl_div_log_target", lambda f, a, b: f.kl_div(a, b, reduction="sum", log_target=True),
     (X, np.log(PROBS))),
    ("smooth_l1", lambda f, a, b: f.smooth_l1_loss(a, b, reduction="none", beta=0.7), (X, Y)),
    ("cosine_embedding", lambda f, a, b: f.cosine_embedding_loss(
        a, b, f.signs, margin=0.2), (X, Y)),
    ("margin_ranking", lambda f, a, b: f.margin_ranking_loss(a[:, 0], b[:, 0], f.signs,
                                                             margin=0.3, reduction="sum"),
     (X, Y)),
    ("triplet", lambda f, a, b, c: f.triplet_margin_loss(a, b, c, margin=2.0, p=3.0),
     (X, Y, Z)),
    ("triplet_swap", lambda f, a, b, c: f.triplet_margin_loss(a, b, c, margin=1.0, swap=True,
                                                              reduction="none"), (X, Y, Z)),
    ("gaussian_nll", lambda f, a, b, v: f.gaussian_nll_loss(a, b, v, full=True), (X, Y, VAR)),
    ("gaussian_nll_shared_var", lambda f, a, b, v: f.gaussian_nll_loss(a, b, v[:, :1],
                                                                       reduction="sum"),
     (X, Y, VAR)),
    ("poisson_nll", lambda f, a, b: f.poisson_nll_loss(a, b, full=True), (X, COUNTS)),
    ("poisson_nll_rate", lambda f, a, b: f.poisson_nll_loss(a, b, log_input=False,
                                                            reduction="none"),
     (VAR, COUNTS)),
    ("cross_entropy_probs", lambda f, a, b: f.cross_entropy(a, b, label_smoothing=0.1), (X, PROBS)),
    ("cross_entropy_probs_weighted", lambda f, a, b: f.cross_entropy(
        a, b, f.weight, reduction="sum"), (X, PROBS)),
]
IDS = [case[0] for case in CASES]


class _Ours:
    signs = SIGNS
    weight = np.linspace(0.5, 2.0, 5)

    def __getattr__(self, name):
        return getattr(F, name)


@pytest.mark.parametrize("name, call, arrays", CASES, ids=IDS)
def test_losses_match_torch_in_value_and_every_gradient(name, call, arrays):
    torch = pytest.importorskip("torch")

    class Theirs:
        signs = torch.tensor(SIGNS)
        weight = torch.tensor(_Ours.weight)

        def __getattr__(self, attr):
            return getattr(torch.nn.functional, attr)

    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    expected = call(Theirs(), *theirs)
    (expected ** 2).sum().backward()
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    out = call(_Ours(), *ours)
    (out ** 2).sum().backward()
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    for i, (mine, theirs_) in enumerate(zip(ours, theirs)):
        assert (mine.grad is None) == (theirs_.grad is None), f"input {i}"
        if mine.grad is not None:
            np.testing.assert_allclose(mine.grad.data, theirs_.grad.numpy(), rtol=1e-9,
                                       atol=1e-11, err_msg=f"input {i}")


@pytest.mark.parametrize("name, call, arrays", CASES, ids=IDS)
def test_losses_gradcheck_and_gradgradcheck(name, call, arrays):
    leaves = tuple(Tensor(a, requires_grad=True) for a in arrays)
    gradcheck(lambda *t: call(_Ours(), *t), leaves)
    gradgradcheck(lambda *t: call(_Ours(), *t), leaves)


# ---------------------------------------------------------------- closed forms
def test_closed_forms():
    x = Tensor(np.array([[3.0, 4.0], [0.0, 0.0]]), requires_grad=True)
    out = F.normalize(x)
    np.testing.assert_allclose(out.data, [[0.6, 0.8], [0.0, 0.0]])
    out.sum().backward()
    assert np.isfinite(x.grad.data).all()  # zero rows: no NaN
    np.testing.assert_allclose(x.grad.data[1], [1e12, 1e12])  # x / eps there, as PyTorch
    p = Tensor(PROBS)
    assert F.kl_div(p.log(), p, reduction="batchmean").item() == pytest.approx(0.0, abs=1e-12)
    # smooth L1 is Huber / beta; beta=0 is L1
    a, b = Tensor(X), Tensor(Y)
    np.testing.assert_allclose(F.smooth_l1_loss(a, b, beta=0.5).item() * 0.5,
                               F.huber_loss(a, b, delta=0.5).item(), rtol=1e-12)
    assert F.smooth_l1_loss(a, b, beta=0.0).item() == pytest.approx(np.abs(X - Y).mean())
    nll = F.gaussian_nll_loss(a, b, Tensor(np.ones((4, 5))), full=True, reduction="sum")
    assert nll.item() == pytest.approx(0.5 * ((X - Y) ** 2).sum() + 10 * math.log(2 * math.pi))


def test_cross_entropy_target_gradient_is_minus_log_softmax():
    logits = Tensor(X, requires_grad=True)
    target = Tensor(PROBS, requires_grad=True)
    F.cross_entropy(logits, target, reduction="sum").backward()
    log_softmax = X - np.log(np.exp(X).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(target.grad.data, -log_softmax, rtol=1e-12)
    np.testing.assert_allclose(logits.grad.data, np.exp(log_softmax) - PROBS, atol=1e-12)


def test_gaussian_nll_clamps_var_value_but_passes_its_gradient():
    var = Tensor(np.full((1, 2), 1e-9), requires_grad=True)
    loss = F.gaussian_nll_loss(Tensor(np.zeros((1, 2))), Tensor(np.ones((1, 2))), var,
                               eps=1e-3, reduction="sum")
    assert loss.item() == pytest.approx(2 * 0.5 * (math.log(1e-3) + 1 / 1e-3))
    loss.backward()
    np.testing.assert_allclose(var.grad.data, 0.5 * (1 / 1e-3 - 1 / 1e-6))


# ---------------------------------------------------------------- modules
MODULES = [
    ("KLDivLoss", dict(reduction="batchmean", log_target=True), (X, np.log(PROBS))),
    ("SmoothL1Loss", dict(beta=0.5), (X, Y)),
    ("CosineEmbeddingLoss", dict(margin=0.1), (X, Y, SIGNS)),
    ("MarginRankingLoss", dict(margin=0.5, reduction="sum"), (X[:, 0], Y[:, 0], SIGNS)),
    ("TripletMarginLoss", dict(margin=0.5, swap=True), (X, Y, Z)),
    ("GaussianNLLLoss", dict(full=True, eps=1e-4), (X, Y, VAR)),
    ("PoissonNLLLoss", dict(log_input=True, full=True), (X, COUNTS)),
    ("CrossEntropyLoss", dict(label_smoothing=0.2), (X, PROBS)),
]


@pytest.mark.parametrize("name, kwargs, arrays", MODULES, ids=[m[0] for m in MODULES])
def test_loss_modules_match_torch(name, kwargs, arrays):
    torch = pytest.importorskip("torch")
    expected = getattr(torch.nn, name)(**kwargs)(*(torch.tensor(a) for a in arrays))
    out = getattr(nn, name)(**kwargs)(*(Tensor(a) for a in arrays))
    np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-10)


def test_legacy_size_average_and_reduce_map_to_reduction():
    with pytest.warns(UserWarning, match="deprecated"):
        assert nn.SmoothL1Loss(size_average=False).reduction == "sum"
    with pytest.warns(UserWarning, match="deprecated"):
        assert nn.KLDivLoss(reduce=False).reduction == "none"


@pytest.mark.parametrize("call, error, match", [
    (lambda: F.kl_div(Tensor(X), Tensor(Y), reduction="avg"), ValueError, "batchmean"),
    (lambda: F.kl_div(Tensor(X), Tensor(Y[:2])), ShapeError, "kl_div"),
    (lambda: F.smooth_l1_loss(Tensor(X), Tensor(Y), beta=-1.0), ValueError, "beta"),
    (lambda: F.cosine_embedding_loss(Tensor(X), Tensor(Y), np.array([1, 0, 1, 1])),
     ValueError, "1 or -1"),
    (lambda: F.cosine_embedding_loss(Tensor(X), Tensor(Y), np.ones(3)), ShapeError, "target"),
    (lambda: F.margin_ranking_loss(Tensor(X), Tensor(Y[:, :2]), np.ones(4)), ShapeError,
     "margin_ranking_loss"),
    (lambda: F.triplet_margin_loss(Tensor(X), Tensor(Y), Tensor(Z), margin=0.0), ValueError,
     "margin"),
    (lambda: F.gaussian_nll_loss(Tensor(X), Tensor(Y), Tensor(-VAR)), ValueError, "negative"),
    (lambda: F.gaussian_nll_loss(Tensor(X), Tensor(Y), Tensor(VAR[:, :2])), ShapeError, "var"),
    (lambda: F.normalize(Tensor(X), p=0.0), ValueError, "p="),
    (lambda: F.normalize(Tensor(X), dim=2), ShapeError, "dim"),
    (lambda: F.cosine_similarity(Tensor(X), Tensor(Y[:, :2])), ShapeError, "broadcast"),
    (lambda: F.poisson_nll_loss(Tensor(X), Tensor(Y), reduction="avg"), ValueError,
     "reduction"),
    (lambda: F.cross_entropy(Tensor(X), Tensor(PROBS[:, :3])), ShapeError, "probability"),
])
def test_new_losses_reject_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_distance_modules_match_torch():
    torch = pytest.importorskip("torch")
    for name, kwargs in (("CosineSimilarity", dict(dim=0)),
                         ("PairwiseDistance", dict(p=3.0, keepdim=True))):
        expected = getattr(torch.nn, name)(**kwargs)(torch.tensor(X), torch.tensor(Y))
        out = getattr(nn, name)(**kwargs)(Tensor(X), Tensor(Y))
        np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-10, err_msg=name)
