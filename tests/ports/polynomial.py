"""Fit ``y = a + b * P3(c + d x)`` to ``sin(x)`` with a custom autograd Function and plain SGD.

``P3(x) = (5x^3 - 3x) / 2`` is the Legendre polynomial of degree 3; its
derivative is written by hand in ``backward``. Parameters are updated in
place under ``no_grad`` and their gradients reset to None, as PyTorch users do.
"""
import math


def run(lib, steps, start=(0.0, -1.0, 0.0, 0.3), learning_rate=5e-6, dtype=None):
    """Train for ``steps`` steps; return the loss before each update."""
    dtype = lib.float64 if dtype is None else dtype

    class LegendreP3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    x = lib.linspace(-math.pi, math.pi, 500, dtype=dtype, device="cpu")
    y = lib.sin(x)
    a, b, c, d = (lib.full((), value, dtype=dtype, requires_grad=True) for value in start)
    losses = []
    for _ in range(steps):
        y_pred = a + b * LegendreP3.apply(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with lib.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    return losses


if __name__ == "__main__":
    import graphgrad

    for step, loss in enumerate(run(graphgrad, 300)):
        if step % 50 == 0:
            print(f"step {step}: loss {loss:.3f}")
