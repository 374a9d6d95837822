"""Newton's method with ``gg.functional.hessian`` on the Rosenbrock function.

Rosenbrock's banana valley, f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, has its
minimum at (1, 1) at the bottom of a long curved valley where gradient
descent crawls. Newton's method, which rescales the gradient by the inverse
Hessian, walks down it in a handful of steps. Both start at (-1.2, 1.0) and
stop when they are within 1e-6 of the minimum.

    python examples/newton.py
"""
import time

import numpy as np

import graphgrad as gg
from graphgrad.autograd.functional import hessian

START = (-1.2, 1.0)
MINIMUM = np.array([1.0, 1.0])
TOLERANCE = 1e-6


def rosenbrock(p):
    """f(x, y) = (1 - x)^2 + 100 (y - x^2)^2."""
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def gradient(p):
    """The gradient of ``rosenbrock`` at the array ``p``."""
    point = gg.tensor(p, requires_grad=True)
    (g,) = gg.grad(rosenbrock(point), point)
    return g.data


def newton(max_steps=100):
    """Newton steps p <- p - H^-1 g; returns the point and the number of steps."""
    p = np.array(START)
    for step in range(1, max_steps + 1):
        h = hessian(rosenbrock, gg.tensor(p)).data
        p = p - np.linalg.solve(h, gradient(p))
        if np.linalg.norm(p - MINIMUM) < TOLERANCE:
            return p, step
    return p, max_steps


def gradient_descent(lr=1e-3, max_steps=200_000):
    """Plain gradient descent p <- p - lr g; returns the point and the step count."""
    p = np.array(START)
    for step in range(1, max_steps + 1):
        p = p - lr * gradient(p)
        if np.linalg.norm(p - MINIMUM) < TOLERANCE:
            return p, step
    return p, max_steps


def main():
    """Run both methods and print how many steps each needed."""
    methods = (("Newton (hessian)", newton), ("gradient descent, lr=1e-3", gradient_descent))
    for name, method in methods:
        started = time.perf_counter()
        p, steps = method()
        elapsed = time.perf_counter() - started
        print(f"{name:28s} reached ({p[0]:.8f}, {p[1]:.8f}) in {steps:>7,d} steps "
              f"({elapsed:.2f} s), f = {rosenbrock(p):.3e}")


if __name__ == "__main__":
    main()
