"""An LSTM that must remember: delayed recall of symbols, trained by backpropagation through time.

Each sequence is 20 random symbols out of 4; at step t the target is the symbol
seen DELAY=3 steps earlier. The current input says nothing about it, so any
model without memory can do no better than chance: cross-entropy ln 4 = 1.386.
The script trains Embedding -> LSTM -> Linear with Adam and gradient clipping,
trains a no-memory baseline (the same embedding and head, applied to each step
alone) the same way, and prints both test losses and accuracies side by side.

    python examples/lstm_sequence.py [--steps 400]
"""
import os

# NOTE: small matrices: BLAS threads cost more than they save (see cnn_digits.py).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import graphgrad as gg  # noqa: E402
import graphgrad.nn.functional as F  # noqa: E402
from graphgrad import nn  # noqa: E402

SEED = 0
SYMBOLS, LENGTH, DELAY = 4, 20, 3


def make_batch(rng, batch):
    """Symbols (batch, LENGTH) and targets: the symbol DELAY steps back (-100 before that)."""
    x = rng.integers(0, SYMBOLS, size=(batch, LENGTH))
    y = np.full_like(x, -100)  # ignore_index: nothing to recall yet
    y[:, DELAY:] = x[:, :-DELAY]
    return x, y


class Recaller(nn.Module):
    """Embedding -> LSTM (batch_first) -> Linear, one prediction per step."""

    def __init__(self, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(SYMBOLS, 8)
        self.lstm = nn.LSTM(8, hidden, batch_first=True)
        self.head = nn.Linear(hidden, SYMBOLS)

    def forward(self, x):
        output, _ = self.lstm(self.embed(x))
        return self.head(output)


class NoMemory(nn.Module):
    """The best a memoryless model can do: each step sees only its own symbol."""

    def __init__(self, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(SYMBOLS, 8)
        self.body = nn.Sequential(nn.Linear(8, hidden), nn.Tanh(), nn.Linear(hidden, SYMBOLS))

    def forward(self, x):
        return self.body(self.embed(x))


def loss_of(model, x, y):
    logits = model(x)
    return F.cross_entropy(logits.reshape(-1, SYMBOLS), y.reshape(-1), ignore_index=-100)


def train(model, steps, rng, batch=32, lr=1e-2):
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        x, y = make_batch(rng, batch)
        loss = loss_of(model, x, y)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()


@gg.no_grad()
def evaluate(model, x, y):
    logits = model(x)
    loss = loss_of(model, x, y).item()
    known = y != -100
    return loss, float(np.mean(logits.data.argmax(axis=-1)[known] == y[known]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    gg.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    test_x, test_y = make_batch(np.random.default_rng(SEED + 1), 500)
    results = {}
    for name, model in (("LSTM", Recaller()), ("no-memory baseline", NoMemory())):
        train(model, args.steps, rng)
        results[name] = evaluate(model, test_x, test_y)
    elapsed = time.perf_counter() - start
    print(f"lstm_sequence: recall the symbol {DELAY} steps back ({SYMBOLS} symbols, length "
          f"{LENGTH}), {args.steps} Adam steps of 32 sequences; chance loss ln {SYMBOLS} = "
          f"{np.log(SYMBOLS):.3f}")
    for name, (loss, acc) in results.items():
        print(f"lstm_sequence: {name:>18}: test loss {loss:.4f}  accuracy {acc:.2%}")
    print(f"lstm_sequence: time {elapsed:.1f} s")
    return results


if __name__ == "__main__":
    main()
