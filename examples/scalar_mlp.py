"""micrograd's demo on ``gg.Scalar``: a tiny MLP learns two moons.

This is micrograd's ``nn.py`` and ``demo.ipynb`` with only the import and the
class name changed (``Value`` -> ``Scalar``): a 2-16-16-1 ReLU network of
Scalars, trained by full-batch SGD on the SVM max-margin loss with an L2
term. Every Scalar op is recorded and differentiated by the same engine as
Tensors. Expect 100% training accuracy (at least 95%) after 100 steps.

Run: ``python examples/scalar_mlp.py [--steps N]``
"""
import argparse
import random

import numpy as np

from graphgrad import Scalar


# ---------------------------------------------------------------- micrograd's nn.py
class Module:

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0

    def parameters(self):
        return []


class Neuron(Module):

    def __init__(self, nin, nonlin=True):
        self.w = [Scalar(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Scalar(0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):

    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):

    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1)
                       for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


# ---------------------------------------------------------------- data
def make_moons(n_samples=100, noise=0.1):
    """sklearn's two moons (as micrograd's demo), or the same construction in numpy."""
    try:
        from sklearn.datasets import make_moons as sklearn_moons
    except ImportError:
        n_out = n_samples // 2
        n_in = n_samples - n_out
        outer = np.linspace(0, np.pi, n_out)
        inner = np.linspace(0, np.pi, n_in)
        X = np.vstack([np.append(np.cos(outer), 1 - np.cos(inner)),
                       np.append(np.sin(outer), 1 - np.sin(inner) - 0.5)]).T
        y = np.hstack([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
        X += np.random.normal(scale=noise, size=X.shape)
        return X, y
    return sklearn_moons(n_samples=n_samples, noise=noise)


# ---------------------------------------------------------------- micrograd's demo
def main(steps=100):
    np.random.seed(1337)
    random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    y = y * 2 - 1  # make y be -1 or 1

    model = MLP(2, [16, 16, 1])  # 2-layer neural network
    print(model)
    print("number of parameters", len(model.parameters()))

    def loss(batch_size=None):
        # inline DataLoader :)
        if batch_size is None:
            Xb, yb = X, y
        else:
            ri = np.random.permutation(X.shape[0])[:batch_size]
            Xb, yb = X[ri], y[ri]
        inputs = [list(map(Scalar, xrow)) for xrow in Xb]

        # forward the model to get scores
        scores = list(map(model, inputs))

        # svm "max-margin" loss
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        # L2 regularization
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss

        # also get accuracy
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    for k in range(steps):
        # forward
        total_loss, acc = loss()

        # backward
        model.zero_grad()
        total_loss.backward()

        # update (sgd)
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad

        if k % 10 == 0 or k == steps - 1:
            print(f"step {k} loss {total_loss.data:.6f}, accuracy {acc * 100:.0f}%")

    _, acc = loss()
    print(f"final training accuracy {acc * 100:.0f}%")
    return acc


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="SGD steps (default 100)")
    main(parser.parse_args().steps)
