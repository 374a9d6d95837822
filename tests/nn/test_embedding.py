"""Embedding: lookup against a loop, gradients accumulate over repeated ids (gradcheck and
an explicit loop), padding_idx gets no gradient, errors before lookup."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from graphgrad import autograd
from graphgrad.autograd import Tensor
from graphgrad.autograd.testing import gradcheck, gradgradcheck
from graphgrad.nn.layers.embedding import Embedding, embedding

ids_arrays = st.integers(1, 6).flatmap(lambda v: st.tuples(
    st.just(v), hnp.arrays(np.int64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                           elements=st.integers(0, v - 1))))


@given(ids_arrays, st.integers(1, 4), st.integers(0, 2**31))
def test_embedding_lookup_and_accumulated_gradient(case, dim, seed):
    vocab, ids = case
    rng = np.random.default_rng(seed)
    weight = Tensor(rng.standard_normal((vocab, dim)), requires_grad=True)
    upstream = rng.standard_normal(ids.shape + (dim,))
    out = embedding(ids, weight)
    expected_grad = np.zeros((vocab, dim))
    for position in np.ndindex(ids.shape):
        np.testing.assert_array_equal(out.data[position], weight.data[ids[position]])
        expected_grad[ids[position]] += upstream[position]
    (out * Tensor(upstream)).sum().backward()
    np.testing.assert_allclose(weight.grad.data, expected_grad, rtol=1e-12, atol=1e-12)
    gradcheck(lambda w: embedding(ids, w), weight)


def test_embedding_repeated_ids_second_order():
    weight = Tensor(np.random.default_rng(0).standard_normal((4, 3)), requires_grad=True)
    gradgradcheck(lambda w: embedding(np.array([[0, 2, 2], [2, 3, 0]]), w) ** 2, weight)


def test_padding_idx_row_starts_at_zero_and_gets_no_gradient():
    autograd.manual_seed(0)
    emb = Embedding(5, 3, padding_idx=-1)
    assert emb.padding_idx == 4
    np.testing.assert_array_equal(emb.weight.data[4], 0.0)
    emb.weight.data[4] = 7.0  # a set row is still returned, as in PyTorch
    out = emb(np.array([4, 1, 4, 1]))
    np.testing.assert_array_equal(out.data[0], 7.0)
    out.sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.data[4], 0.0)
    np.testing.assert_array_equal(emb.weight.grad.data[1], 2.0)
    # NOTE: no gradcheck here: PyTorch's rule deliberately drops the true gradient of that row.


def test_embedding_module_names_dtype_and_pretrained():
    emb = Embedding(10, 4)
    assert [(n, p.shape) for n, p in emb.named_parameters()] == [("weight", (10, 4))]
    assert emb(Tensor(np.array([[1, 2]]))).dtype == np.float32
    table = np.arange(6.0).reshape(3, 2)
    frozen = Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad
    np.testing.assert_array_equal(frozen(np.array([2])).data, [[4.0, 5.0]])


def test_embedding_errors_name_the_problem():
    emb = Embedding(3, 2)
    with pytest.raises(IndexError, match="id 3 is out of range"):
        emb(np.array([0, 3]))
    with pytest.raises(IndexError, match="id -1"):
        emb(np.array([-1]))
    with pytest.raises(TypeError, match="integers"):
        emb(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="padding_idx"):
        Embedding(3, 2, padding_idx=3)


def test_embedding_matches_torch_when_installed():
    torch = pytest.importorskip("torch")
    ids = np.array([[1, 0, 1], [2, 1, 0]])
    theirs = torch.nn.Embedding(3, 4, padding_idx=0).double()
    ours = Embedding(3, 4, padding_idx=0)
    ours.weight.data = theirs.weight.detach().numpy().copy()
    weights = np.random.default_rng(2).standard_normal((2, 3, 4))
    (theirs(torch.tensor(ids)) * torch.tensor(weights)).sum().backward()
    (ours(ids) * Tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-12)
