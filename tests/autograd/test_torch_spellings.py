"""numpy's and PyTorch's spellings: each keeps its library's meaning, ambiguous calls refuse.

The forward and gradient of every PyTorch spelling are in ``op_specs.py``
(rows ``*_torch_keywords``, ``max_dim_values``, ``split_torch_sizes``, ...);
here: the refusals, their messages, and agreement with torch itself.
"""
import numpy as np
import pytest

import graphgrad.autograd as ag


def _x():
    return ag.tensor([[1.0, 5.0, 5.0], [7.0, 2.0, 7.0]], dtype=np.float64, requires_grad=True)


@pytest.mark.parametrize("call, numpy_form, torch_form", [
    (lambda x: x.max(1), "x.max(axis=1)", "x.max(dim=1)"),
    (lambda x: x.min(0), "x.min(axis=0)", "x.min(dim=0)"),
    (lambda x: ag.max(x, 1), "x.max(axis=1)", "x.max(dim=1)"),
    (lambda x: x.std(), "x.std(ddof=0)", "x.std(correction=1)"),
    (lambda x: x.var(), "x.var(ddof=0)", "x.var(correction=1)"),
    (lambda x: x.std(0), "x.std(axis=0, ddof=0)", "x.std(dim=0, correction=1)"),
    (lambda x: ag.var(x, 1), "x.var(axis=1, ddof=0)", "x.var(dim=1, correction=1)"),
    (lambda x: x.split(1), "x.split(1, axis=0)", "x.split(1, dim=0)"),
    (lambda x: x.split([1, 2]), "x.split([1, 2], axis=0)", "x.split([1, 2], dim=0)"),
])
def test_ambiguous_positional_forms_refuse_and_show_both_spellings(call, numpy_form,
                                                                   torch_form):
    with pytest.raises(TypeError, match="ambiguous") as info:
        call(_x())
    assert numpy_form in str(info.value) and torch_form in str(info.value)


@pytest.mark.parametrize("call, first, second", [
    (lambda x: x.sum(axis=1, dim=0), "axis=1", "dim=0"),
    (lambda x: x.mean(keepdims=True, keepdim=True), "keepdims=True", "keepdim=True"),
    (lambda x: ag.softmax(x, 1, dim=0), "axis=1", "dim=0"),
    (lambda x: ag.cat([x, x], 0, dim=1), "axis=0", "dim=1"),
])
def test_both_spellings_of_one_keyword_refuse(call, first, second):
    with pytest.raises(TypeError, match="both") as info:
        call(_x())
    assert first in str(info.value) and second in str(info.value)


@pytest.mark.parametrize("call", [
    lambda x: x.max(axis=1, keepdim=True),
    lambda x: x.std(axis=0, correction=1),
    lambda x: x.split(1, axis=0, dim=0),
])
def test_mixing_the_libraries_where_meanings_differ_refuses(call):
    with pytest.raises(TypeError, match="mixes numpy's .* with PyTorch's"):
        call(_x())


@pytest.mark.parametrize("call", [lambda x: x.sum(axes=1), lambda x: x.max(keep_dims=True),
                                  lambda x: ag.softmax(x, dims=1)])
def test_unknown_keyword_names_both_spellings(call):
    with pytest.raises(TypeError, match="unexpected keyword") as info:
        call(_x())
    assert "axis=" in str(info.value) and "dim=" in str(info.value)


def test_keywords_decide_a_positional_axis():
    x = _x()
    assert isinstance(x.max(1, keepdims=False), ag.Tensor)
    values, indices = x.max(1, keepdim=False)
    np.testing.assert_array_equal(values.data, [5.0, 7.0])
    np.testing.assert_array_equal(indices.data, [1, 0])
    np.testing.assert_allclose(x.std(0, ddof=0).data, np.std(x.data, axis=0))
    np.testing.assert_allclose(x.std(0, keepdim=True).data,
                               np.std(x.data, axis=0, ddof=1, keepdims=True))
    assert [p.shape for p in ag.arange(6.0).split(2, axis=0)] == [(3,), (3,)]
    assert [p.shape for p in ag.arange(6.0).split(2, dim=0)] == [(2,), (2,), (2,)]


def test_max_with_a_tensor_is_elementwise():
    x, y = _x(), ag.tensor([[3.0, 3.0, 9.0], [0.0, 4.0, 1.0]], dtype=np.float64)
    np.testing.assert_array_equal(x.max(y).data, np.maximum(x.data, y.data))
    np.testing.assert_array_equal(ag.min(x, y).data, np.minimum(x.data, y.data))
    with pytest.raises(TypeError, match="elementwise"):
        x.max(y, dim=0)


def test_dim_takes_one_axis_for_values_and_indices():
    with pytest.raises(TypeError, match="one axis"):
        _x().max(dim=(0, 1))


def test_max_dim_matches_torch_including_ties_and_gradient():
    torch = pytest.importorskip("torch")
    data = np.array([[1.0, 5.0, 5.0], [7.0, 2.0, 7.0], [3.0, 3.0, 3.0]])
    for op in ("max", "min"):
        for dim in (0, 1, -1):
            for keepdim in (False, True):
                x = ag.tensor(data, requires_grad=True)
                t = torch.tensor(data, requires_grad=True)
                ours = getattr(x, op)(dim=dim, keepdim=keepdim)
                theirs = getattr(t, op)(dim=dim, keepdim=keepdim)
                np.testing.assert_array_equal(ours.values.data, theirs.values.detach().numpy())
                np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
                assert ours.indices.dtype == np.int64
                weights = np.arange(1.0, 1.0 + ours.values.size).reshape(ours.values.shape)
                (ours.values * ag.tensor(weights)).sum().backward()
                (theirs.values * torch.tensor(weights)).sum().backward()
                np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


def test_variance_spellings_match_torch_defaults():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(0).normal(size=(4, 5))
    x, t = ag.tensor(data), torch.tensor(data)
    for name in ("var", "std"):
        ours, theirs = getattr(x, name), getattr(t, name)
        np.testing.assert_allclose(ours(dim=0).data, theirs(dim=0).numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours(0, keepdim=True).data,
                                   theirs(0, keepdim=True).numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours(dim=1, unbiased=False).data,
                                   theirs(dim=1, unbiased=False).numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours(correction=0).data, theirs(correction=0).numpy(),
                                   rtol=1e-12)
        np.testing.assert_allclose(ours(dim=None, correction=1).data, theirs().numpy(),
                                   rtol=1e-12)


def test_split_sizes_match_torch():
    torch = pytest.importorskip("torch")
    data = np.arange(14.0).reshape(2, 7)
    for sizes in (2, 3, 7, 9, [3, 4], [0, 7], [1, 1, 5]):
        ours = ag.tensor(data).split(sizes, dim=1)
        theirs = torch.tensor(data).split(sizes, dim=1)
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a.data, b.numpy())
    with pytest.raises(ValueError, match="do not add up"):
        ag.tensor(data).split([3, 3], dim=1)


def test_dim_spellings_of_sum_mean_softmax_cat_stack_match_torch():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(1).normal(size=(3, 4))
    x, t = ag.tensor(data), torch.tensor(data)
    pairs = [
        (x.sum(dim=1, keepdim=True), t.sum(dim=1, keepdim=True)),
        (x.mean(dim=(0, 1)), t.mean(dim=(0, 1))),
        (x.logsumexp(dim=0), t.logsumexp(dim=0)),
        (ag.softmax(x, dim=0), torch.softmax(t, dim=0)),
        (x.log_softmax(dim=1), t.log_softmax(dim=1)),
        (ag.cat([x, x], dim=1), torch.cat([t, t], dim=1)),
        (ag.stack([x, x], dim=2), torch.stack([t, t], dim=2)),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)
    assert x.any(dim=1).shape == (3,) and x.all(dim=0, keepdim=True).shape == (1, 4)
