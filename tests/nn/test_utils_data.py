"""nn.utils gradient clipping and nn.data mini-batches."""
import math

import numpy as np
import pytest

from graphgrad import autograd, nn
from graphgrad.autograd import Tensor


def params_with_grads(*grads):
    params = []
    for g in grads:
        p = nn.Parameter(np.zeros(np.shape(g)))
        p.grad = Tensor(np.array(g, dtype=np.float64))
        params.append(p)
    return params


def test_clip_grad_norm_scales_jointly_and_returns_total_norm():
    params = params_with_grads([3.0, 0.0], [[4.0]])  # joint norm 5
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    coef = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(params[0].grad.data, [3 * coef, 0])
    np.testing.assert_allclose(params[1].grad.data, [[4 * coef]])


def test_clip_grad_norm_leaves_small_gradients_and_skips_none():
    params = params_with_grads([0.3, 0.4])
    params.append(nn.Parameter(np.zeros(2)))  # no grad
    nn.utils.clip_grad_norm_(params, max_norm=1.0)
    np.testing.assert_allclose(params[0].grad.data, [0.3, 0.4])


def test_clip_grad_norm_other_orders():
    params = params_with_grads([1.0, -2.0], [2.0])
    assert nn.utils.clip_grad_norm_(params, 10.0, norm_type=1).item() == pytest.approx(5.0)
    total = nn.utils.clip_grad_norm_(params, 1.0, norm_type=math.inf)
    assert total.item() == pytest.approx(2.0)
    np.testing.assert_allclose(params[0].grad.data, np.array([1.0, -2.0]) / (2.0 + 1e-6))


def test_clip_grad_norm_nonfinite():
    with pytest.raises(autograd.GradientError, match="non-finite"):
        nn.utils.clip_grad_norm_(params_with_grads([np.inf]), 1.0, error_if_nonfinite=True)


def test_clip_grad_value_in_place():
    params = params_with_grads([-3.0, 0.5, 2.0])
    grad = params[0].grad
    nn.utils.clip_grad_value_(params, 1.0)
    assert params[0].grad is grad
    np.testing.assert_array_equal(grad.data, [-1.0, 0.5, 1.0])


# ------------------------------------------------------------------ data
def test_dataloader_covers_every_row_once_per_epoch_shuffled():
    x = np.arange(10, dtype=np.float32)[:, None]
    y = np.arange(10)
    loader = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=3, shuffle=True,
                                generator=0)
    assert len(loader) == 4
    epochs = []
    for _ in range(2):
        batches = list(loader)
        assert [len(b[1]) for b in batches] == [3, 3, 3, 1]
        assert all(isinstance(t, Tensor) for b in batches for t in b)
        rows = np.concatenate([b[1].data for b in batches])
        assert sorted(rows) == list(range(10))
        xs = np.concatenate([b[0].data[:, 0] for b in batches])
        np.testing.assert_array_equal(xs, rows)  # features stay with their labels
        epochs.append(rows)
    assert not np.array_equal(epochs[0], epochs[1])  # a new order each epoch


def test_dataloader_keeps_dtypes_and_order_without_shuffle():
    x = np.ones((5, 2), dtype=np.float32)
    y = np.arange(5, dtype=np.int64)
    xb, yb = next(iter(nn.data.DataLoader((x, y), batch_size=2)))
    assert xb.dtype == np.float32 and yb.dtype == np.int64
    np.testing.assert_array_equal(yb.data, [0, 1])


def test_dataloader_drop_last_and_single_array():
    loader = nn.data.DataLoader(np.zeros((7, 3)), batch_size=3, drop_last=True)
    batches = list(loader)
    assert len(loader) == len(batches) == 2
    assert all(isinstance(b, Tensor) and b.shape == (3, 3) for b in batches)


def test_dataloader_seeded_by_manual_seed():
    loader = nn.data.DataLoader(np.arange(20), batch_size=20, shuffle=True)
    autograd.manual_seed(5)
    first = next(iter(loader)).data
    autograd.manual_seed(5)
    np.testing.assert_array_equal(first, next(iter(loader)).data)


def test_dataloader_generic_dataset_is_stacked():
    class Squares:
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return np.array([i, i * i], dtype=np.float32), i

    xb, yb = next(iter(nn.data.DataLoader(Squares(), batch_size=4)))
    np.testing.assert_array_equal(xb.data[:, 1], [0, 1, 4, 9])
    np.testing.assert_array_equal(yb.data, [0, 1, 2, 3])


def test_dataset_and_loader_validation():
    with pytest.raises(ValueError, match="same first axis"):
        nn.data.TensorDataset(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="batch_size"):
        nn.data.DataLoader(np.zeros(3), batch_size=0)
