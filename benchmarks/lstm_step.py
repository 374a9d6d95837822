"""An LSTM step: sequence 32, batch 32, input 32, hidden 128, float32.

LSTM(32, 128, batch_first=True) over the sequence, a linear head on the last output,
cross-entropy on integer labels, backward, SGD. graphgrad against PyTorch eager, from the
same initial weights (gate order i, f, g, o) and batch.

    python -m benchmarks.lstm_step [--tiny] [--rounds N]
"""
import numpy as np

from .frameworks import training_candidates
from .harness import compare, script_main

NAME = "lstm_step"
SIZES = {"full": (32, 32, 32, 128), "tiny": (3, 4, 5, 6)}  # (seq, batch, input, hidden)
N_CLASSES = 10
ROUNDS = 30
LR = 0.01
TARGETS = {(NAME, "graphgrad", "torch"): 1.0}  # issue 20: at or ahead of PyTorch eager


class LastStep:
    """LSTM, then a linear head on the output of the last time step."""

    @staticmethod
    def build(nn, input_size, hidden_size):
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
                self.head = nn.Linear(hidden_size, N_CLASSES)

            def forward(self, x):
                out, _ = self.lstm(x)
                return self.head(out[:, -1])

        return Model()


def make_problem(size="full", dtype=np.float32, seed=0):
    """Seeded weights under PyTorch's names (default-init bounds), a batch and labels."""
    seq, batch, n_in, hidden = SIZES[size]
    rng = np.random.default_rng(seed)
    bound = 1 / np.sqrt(hidden)
    shapes = {"lstm.weight_ih_l0": (4 * hidden, n_in), "lstm.weight_hh_l0": (4 * hidden, hidden),
              "lstm.bias_ih_l0": (4 * hidden,), "lstm.bias_hh_l0": (4 * hidden,),
              "head.weight": (N_CLASSES, hidden), "head.bias": (N_CLASSES,)}
    weights = {name: rng.uniform(-bound, bound, shape).astype(dtype)
               for name, shape in shapes.items()}
    x = rng.standard_normal((batch, seq, n_in)).astype(dtype)
    y = rng.integers(0, N_CLASSES, batch)
    return weights, x, y


def run(size="full", rounds=ROUNDS):
    weights, x, y = make_problem(size)
    _, _, n_in, hidden = SIZES[size]
    candidates = training_candidates(["Module", "LSTM", "Linear"],
                                     lambda nn: LastStep.build(nn, n_in, hidden),
                                     weights, x, y, LR)
    return compare(NAME, candidates, rounds, warmup=3)


if __name__ == "__main__":
    script_main(run)
