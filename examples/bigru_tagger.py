"""A bidirectional GRU tagger on sequences of different lengths (packed), beside baselines.

Each sequence is 8 to 20 random symbols out of 4. The tag of position t is
``max(x[t-1], x[t+1])``: it depends on the symbol before AND the one after, so
a model must look both ways. Three models are trained the same way (Adam,
cross-entropy, the two ends and the padding ignored):

* a bidirectional GRU on ``nn.utils.rnn.pack_padded_sequence`` batches (each
  sequence runs over its own length; the backward direction starts at its end),
* the same GRU one-directional: it sees x[t-1] but not x[t+1], a lower bound,
* a no-memory baseline that sees only x[t]: it can learn only how often each
  tag occurs (entropy of (1, 3, 5, 7) / 16 = 1.2 nats).

    python examples/bigru_tagger.py [--steps 300]
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
from graphgrad.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

SEED = 0
SYMBOLS, SHORTEST, LONGEST = 4, 8, 20


def make_batch(rng, batch):
    """Padded symbols (batch, LONGEST), lengths, and tags (-100 at the ends and padding)."""
    lengths = rng.integers(SHORTEST, LONGEST + 1, size=batch)
    x = rng.integers(0, SYMBOLS, size=(batch, LONGEST))
    x[np.arange(LONGEST)[None, :] >= lengths[:, None]] = 0
    y = np.full_like(x, -100)
    y[:, 1:-1] = np.maximum(x[:, :-2], x[:, 2:])
    position = np.arange(LONGEST)[None, :]
    y[(position < 1) | (position >= lengths[:, None] - 1)] = -100
    return x, lengths, y


class Tagger(nn.Module):
    """Embedding -> GRU over the packed batch -> Linear, one tag per position."""

    def __init__(self, bidirectional, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(SYMBOLS, 8)
        self.gru = nn.GRU(8, hidden, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(hidden * (2 if bidirectional else 1), SYMBOLS)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(self.embed(x), lengths, batch_first=True,
                                      enforce_sorted=False)
        output, _ = self.gru(packed)
        padded, _ = pad_packed_sequence(output, batch_first=True, total_length=x.shape[1])
        return self.head(padded)


class NoMemory(nn.Module):
    """Each position sees only its own symbol."""

    def __init__(self, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(SYMBOLS, 8)
        self.body = nn.Sequential(nn.Linear(8, hidden), nn.Tanh(), nn.Linear(hidden, SYMBOLS))

    def forward(self, x, lengths):
        return self.body(self.embed(x))


def loss_of(model, x, lengths, y):
    logits = model(x, lengths)
    return F.cross_entropy(logits.reshape(-1, SYMBOLS), y.reshape(-1), ignore_index=-100)


def train(model, steps, rng, batch=32, lr=1e-2):
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = loss_of(model, *make_batch(rng, batch))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()


@gg.no_grad()
def evaluate(model, x, lengths, y):
    logits = model(x, lengths)
    loss = loss_of(model, x, lengths, y).item()
    known = y != -100
    return loss, float(np.mean(logits.data.argmax(axis=-1)[known] == y[known]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    gg.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    test = make_batch(np.random.default_rng(SEED + 1), 500)
    results = {}
    for name, model in (("bidirectional GRU", Tagger(True)), ("one-way GRU", Tagger(False)),
                        ("no-memory baseline", NoMemory())):
        train(model, args.steps, rng)
        results[name] = evaluate(model, *test)
    elapsed = time.perf_counter() - start
    p = np.arange(1, 2 * SYMBOLS, 2) / SYMBOLS ** 2  # how often max(a, b) = 0, 1, 2, 3
    print(f"bigru_tagger: tag max(x[t-1], x[t+1]), sequences of {SHORTEST} to {LONGEST} "
          f"symbols out of {SYMBOLS} (packed), {args.steps} Adam steps of 32; tag entropy "
          f"{-(p * np.log(p)).sum():.3f} (best without context)")
    for name, (loss, acc) in results.items():
        print(f"bigru_tagger: {name:>18}: test loss {loss:.4f}  accuracy {acc:.2%}")
    print(f"bigru_tagger: time {elapsed:.1f} s")
    return results


if __name__ == "__main__":
    main()
