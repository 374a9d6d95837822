"""Packed sequences on array-api-strict: the data stays on its device, the bookkeeping on the host.

``pack_padded_sequence``, ``pad_packed_sequence``, ``pad_sequence`` and ``pack_sequence``
run on ``array_api_strict`` (its default device), ``device1`` (a second device: any silent
copy to numpy raises there) and ``no_float64``, with the same values and gradients as on
numpy; ``batch_sizes``, ``sorted_indices``, ``unsorted_indices`` and the returned lengths are
host (numpy) int64 arrays, as PyTorch keeps lengths and batch sizes on the CPU. An LSTM over
a PackedSequence gives numpy's outputs, states and gradients, and trains as on numpy (1e-6).
"""
import copy

import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn
from graphgrad.nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
)
from tests.portability.nn_device_checks import (
    DEVICES,
    assert_gradients_alike,
    assert_trained_alike,
    dtype_on,
    host,
    tolerance_on,
)

pytest.importorskip("array_api_strict")

def _is_host_int64(array):
    return type(array) is np.ndarray and array.dtype == np.int64


def _round_trip(where, dtype, enforce_sorted, batch_first):
    """Pack, pad back (with a longer total_length) and differentiate a weighted sum."""
    rng = np.random.default_rng(4)
    shape = (3, 4, 2) if batch_first else (4, 3, 2)
    x = gg.tensor(rng.standard_normal(shape).astype(dtype), requires_grad=True, device=where)
    lengths = [4, 2, 1] if enforce_sorted else [2, 4, 1]
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first,
                                  enforce_sorted=enforce_sorted)
    padded, out_lengths = pad_packed_sequence(packed, batch_first=batch_first, padding_value=-3.0,
                                              total_length=5)
    weights = gg.tensor(rng.standard_normal(padded.shape).astype(dtype), device=where)
    ((padded * weights).sum() + (packed.data ** 2).sum()).backward()
    return packed, padded, out_lengths, x


@pytest.mark.parametrize("where", DEVICES)
@pytest.mark.parametrize(("enforce_sorted", "batch_first"),
                         [(True, False), (False, True), (False, False)])
def test_packing_round_trip_on_a_device_matches_numpy(where, enforce_sorted, batch_first):
    dtype, tolerance = dtype_on(where), tolerance_on(where)
    packed, padded, lengths, x = _round_trip(where, dtype, enforce_sorted, batch_first)
    e_packed, e_padded, e_lengths, e_x = _round_trip("cpu", dtype, enforce_sorted, batch_first)
    for value in (packed.data, padded, x.grad):  # the data and its gradient stay on the device
        assert str(value.device) == where
    for got, expected in ((packed.data, e_packed.data), (padded, e_padded), (x.grad, e_x.grad)):
        np.testing.assert_allclose(host(got), host(expected), **tolerance)
    for got, expected in ((packed.batch_sizes, e_packed.batch_sizes), (lengths, e_lengths),
                          (packed.sorted_indices, e_packed.sorted_indices),
                          (packed.unsorted_indices, e_packed.unsorted_indices)):
        if expected is None:
            assert got is None
            continue
        assert _is_host_int64(got)  # index bookkeeping on the host, as PyTorch's batch_sizes
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("where", DEVICES)
def test_pad_sequence_and_pack_sequence_on_a_device(where):
    dtype = dtype_on(where)
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal((n, 2)).astype(dtype) for n in (2, 4, 1)]
    seqs = [gg.tensor(a, requires_grad=True, device=where) for a in arrays]
    padded = pad_sequence(seqs, batch_first=True, padding_value=7.0)
    assert str(padded.device) == where and padded.shape == (3, 4, 2)
    expected = np.full((3, 4, 2), 7.0, dtype)
    for b, a in enumerate(arrays):
        expected[b, :len(a)] = a
    np.testing.assert_array_equal(host(padded), expected)
    packed = pack_sequence(seqs, enforce_sorted=False)
    assert packed.batch_sizes.tolist() == [3, 2, 1, 1]
    assert packed.sorted_indices.tolist() == [1, 0, 2]
    packed.data.sum().backward()
    for seq in seqs:  # each real step once, the padding not at all
        np.testing.assert_array_equal(host(seq.grad), np.ones(seq.shape, dtype))


def test_lengths_on_a_device_are_read_on_the_host():
    """PyTorch reads lengths on the CPU from any device; a device array of lengths works."""
    where = "array_api_strict:device1"
    x = gg.ones((3, 2, 1), device=where)
    lengths = gg.tensor(np.array([3, 1]), device=where)
    packed = pack_padded_sequence(x, lengths)
    assert packed.batch_sizes.tolist() == [2, 1, 1] and str(packed.data.device) == where
    with pytest.raises(ValueError, match="decreasing"):
        pack_padded_sequence(x, gg.tensor(np.array([1, 3]), device=where))


def _lstm_on_packed(where, dtype, steps=0):
    """A 2-layer bidirectional LSTM over unsorted packed sequences; trains ``steps`` Adam steps.

    Returns the last forward's outputs, the module and the input (with gradients).
    """
    gg.manual_seed(7)
    module = copy.deepcopy(nn.LSTM(3, 4, num_layers=2, bidirectional=True).to("cpu", dtype))
    module.to(where)
    rng = np.random.default_rng(7)
    x = gg.tensor(rng.standard_normal((5, 3, 3)).astype(dtype), requires_grad=True, device=where)
    target = gg.tensor(rng.standard_normal((5, 3, 8)).astype(dtype), device=where)
    lengths = [3, 5, 2]
    optimizer = nn.optim.Adam(module.parameters(), lr=0.01)
    losses = []
    for _ in range(max(steps, 1)):
        optimizer.zero_grad()
        x.grad = None
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        output, (h_n, c_n) = module(packed)
        padded, _ = pad_packed_sequence(output)
        loss = ((padded - target) ** 2).mean() + (h_n ** 2).sum() + c_n.sum()
        loss.backward()
        losses.append(float(host(loss)))
        if steps:
            optimizer.step()
    return (output, padded, h_n, c_n), losses, module, x


@pytest.mark.parametrize("where", DEVICES)
def test_lstm_over_a_packed_sequence_on_a_device_matches_numpy(where):
    dtype, tolerance = dtype_on(where), tolerance_on(where)
    got, _, module, x = _lstm_on_packed(where, dtype)
    expected, _, e_module, e_x = _lstm_on_packed("cpu", dtype)
    assert isinstance(got[0], PackedSequence) and _is_host_int64(got[0].batch_sizes)
    for a, b in zip((got[0].data,) + got[1:], (expected[0].data,) + expected[1:]):
        assert str(a.device) == where
        np.testing.assert_allclose(host(a), host(b), **tolerance)
    np.testing.assert_allclose(host(x.grad), host(e_x.grad), **tolerance)
    assert_gradients_alike(module, e_module, where)


@pytest.mark.parametrize("where", DEVICES[:2])
def test_lstm_over_a_packed_sequence_trains_on_a_device_as_on_numpy(where):
    _, losses, module, _ = _lstm_on_packed(where, np.float64, steps=3)
    _, expected_losses, expected, _ = _lstm_on_packed("cpu", np.float64, steps=3)
    assert_trained_alike(losses, expected_losses, module, expected, where)
