"""An MLP training step written by hand in numpy: the speed limit for a numpy-backed engine.

A ReLU MLP with PyTorch's layout (``W`` of shape ``(out_features, in_features)``, so a layer
is ``x @ W.T + b``) and the mean softmax cross-entropy over integer class labels. Forward
keeps each layer's output; backward runs the chain rule by hand; SGD updates in place.
Written plainly, as a user would: every step allocates its activations and gradients anew.

>>> rng = np.random.default_rng(0)
>>> params = init_params([4, 8, 3], rng)
>>> x, y = rng.standard_normal((5, 4)).astype(np.float32), np.array([0, 1, 2, 1, 0])
>>> loss, grads = loss_and_grads(params, x, y)
>>> [g.shape for g in grads[0]]
[(8, 4), (8,)]
"""
import numpy as np


def init_params(sizes, rng, dtype=np.float32):
    """PyTorch's default Linear init: W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    Returns a list of ``(W, b)``, one per layer, ``W`` of shape ``(out, in)``.
    """
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        W = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(dtype)
        b = rng.uniform(-bound, bound, fan_out).astype(dtype)
        params.append((W, b))
    return params


def loss_and_grads(params, x, y):
    """Mean cross-entropy of the MLP on ``(x, y)`` and its gradient for every parameter.

    Parameters
    ----------
    params : list of (W, b)
    x : array of shape (batch, in_features)
    y : int array of shape (batch,), class indices

    Returns
    -------
    loss : float, the mean over the batch of ``logsumexp(logits) - logits[y]``
    grads : list of (dW, db), shaped like ``params``
    """
    # Forward, keeping each layer's input for backward.
    inputs = []
    h = x
    for i, (W, b) in enumerate(params):
        inputs.append(h)
        h = h @ W.T + b
        if i < len(params) - 1:
            h = np.maximum(h, 0)
    logits = h

    # Loss. NOTE: shifting by the row max keeps exp() from overflowing.
    n = len(y)
    rows = np.arange(n)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1))
    loss = float((log_norm - shifted[rows, y]).mean())

    # Backward. d loss / d logits = (softmax(logits) - onehot(y)) / n.
    grad = np.exp(shifted - log_norm[:, None])
    grad[rows, y] -= 1
    grad /= n
    grads = [None] * len(params)
    for i in reversed(range(len(params))):
        W, _ = params[i]
        grads[i] = (grad.T @ inputs[i], grad.sum(axis=0))
        if i > 0:
            # The input of layer i is relu(z) of layer i - 1: its derivative is (z > 0),
            # the same mask as (relu(z) > 0).
            grad = (grad @ W) * (inputs[i] > 0)
    return loss, grads


def sgd_step(params, grads, lr):
    """Plain SGD in place: ``p -= lr * grad``."""
    for (W, b), (grad_W, grad_b) in zip(params, grads):
        W -= lr * grad_W
        b -= lr * grad_b


def train_step(params, x, y, lr):
    """One SGD step (forward, loss, backward, update); returns the loss before the update."""
    loss, grads = loss_and_grads(params, x, y)
    sgd_step(params, grads, lr)
    return loss
