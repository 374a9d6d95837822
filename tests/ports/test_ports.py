"""Each program of tests/ports runs a few steps on torch and on graphgrad from the same weights.

The programs are written once, PyTorch style, against a library parameter; in
float64 the losses of every step must agree to 1e-10 (relative).
"""
import numpy as np
import pytest

import graphgrad as gg

from . import char_lstm, digits_cnn, polynomial

torch = pytest.importorskip("torch")
RTOL = 1e-10


def _same_weights(source, target):
    """Copy a torch module's state dict into a graphgrad module (names are PyTorch's)."""
    target.load_state_dict({k: v.detach().numpy() for k, v in source.state_dict().items()})


def test_polynomial_with_a_custom_function_matches_torch():
    ours = polynomial.run(gg, 60)
    theirs = polynomial.run(torch, 60)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL)
    assert ours[-1] < ours[0]


def test_digits_cnn_with_sgd_and_steplr_matches_torch():
    torch.manual_seed(0)
    reference = digits_cnn.build(torch)
    model = digits_cnn.build(gg)
    _same_weights(reference, model)
    ours, our_accuracy = digits_cnn.train(gg, model, 12)
    theirs, their_accuracy = digits_cnn.train(torch, reference.double(), 12)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL)
    assert our_accuracy == their_accuracy


def test_char_lstm_language_model_matches_torch():
    torch.manual_seed(0)
    ids, vocab_size = char_lstm.encode(torch)
    reference = char_lstm.build(torch, vocab_size)
    model = char_lstm.build(gg, vocab_size)
    _same_weights(reference, model)
    ours = char_lstm.train(gg, model, 8)
    theirs = char_lstm.train(torch, reference, 8)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL)
    assert ours[-1] < ours[0]
