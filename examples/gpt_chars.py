"""A character-level GPT: a decoder-only transformer trained on the Python Language Reference.

The text ships with every CPython: ``pydoc_data.topics`` holds the Language
Reference's sections that ``help("if")`` prints (about 465,000 characters;
nothing is downloaded). The model is token and position embeddings, pre-norm
``nn.TransformerEncoderLayer`` blocks under a causal mask (each character sees
only those before it), a final LayerNorm and a linear head: a few hundred
thousand parameters, trained with AdamW on random windows of the text.

It prints the held-out loss (nats per character) at the start and the end of
training beside two baselines: ln(vocabulary), the loss of a uniform guess, and
the unigram entropy of the text, the best any model can do that ignores
context. Then it prints text sampled from the trained model.

    python examples/gpt_chars.py [--steps 1200] [--tiny]
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


def load_text():
    """The Language Reference topics bundled with CPython, in a fixed (sorted) order."""
    from pydoc_data.topics import topics
    return "\n".join(topics[name] for name in sorted(topics))


class Vocabulary:
    """Characters <-> integer ids."""

    def __init__(self, text):
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    def encode(self, text):
        return np.array([self.index[c] for c in text], dtype=np.int64)

    def decode(self, ids):
        return "".join(self.chars[i] for i in ids)


def unigram_entropy(ids, vocab_size):
    """Entropy (nats) of the character frequencies: the loss floor without context."""
    p = np.bincount(ids, minlength=vocab_size) / len(ids)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


class GPT(nn.Module):
    """Token + position embeddings, causal pre-norm transformer blocks, LayerNorm, head."""

    def __init__(self, vocab_size, context=64, d_model=96, heads=4, layers=3, ff=256):
        super().__init__()
        self.context = context
        self.tokens = nn.Embedding(vocab_size, d_model)
        self.positions = nn.Embedding(context, d_model)
        block = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=ff, dropout=0.0,
                                           activation="relu", batch_first=True,
                                           norm_first=True)
        self.blocks = nn.TransformerEncoder(block, layers)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, ids):
        """Logits (batch, time, vocab) for ids (batch, time), time <= context."""
        steps = ids.shape[1]
        x = self.tokens(ids) + self.positions(np.arange(steps))
        x = self.blocks(x, is_causal=True)
        return self.head(self.norm(x))


def windows(rng, ids, batch, context):
    """``batch`` random windows and their next-character targets, each (batch, context)."""
    starts = rng.integers(0, len(ids) - context - 1, size=batch)
    index = starts[:, None] + np.arange(context + 1)
    chunk = ids[index]
    return chunk[:, :-1], chunk[:, 1:]


def loss_of(model, x, y):
    logits = model(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


@gg.no_grad()
def evaluate(model, batches):
    model.eval()
    losses = [loss_of(model, x, y).item() for x, y in batches]
    model.train()
    return float(np.mean(losses))


def train(model, train_ids, steps, rng, batch=32, lr=3e-3, log=None):
    """AdamW with linear warm-up and cosine decay, gradient clipping at 1."""
    optimizer = nn.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warmup = max(1, steps // 20)
    for step in range(steps):
        rate = min(1.0, (step + 1) / warmup) * 0.5 * (1 + np.cos(np.pi * step / steps))
        optimizer.param_groups[0]["lr"] = lr * rate
        x, y = windows(rng, train_ids, batch, model.context)
        loss = loss_of(model, x, y)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if log is not None:
            log(step, loss.item())


@gg.no_grad()
def generate(model, vocab, prompt, length, rng, temperature=0.8):
    """Sample ``length`` characters after ``prompt``, one at a time."""
    model.eval()
    ids = list(vocab.encode(prompt))
    for _ in range(length):
        logits = model(np.array([ids[-model.context:]]))
        z = logits.data[0, -1].astype(np.float64) / temperature
        p = np.exp(z - z.max())
        ids.append(int(rng.choice(len(p), p=p / p.sum())))
    model.train()
    return vocab.decode(ids)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1200)
    parser.add_argument("--tiny", action="store_true", help="a small, fast configuration")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    gg.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    text = load_text()
    vocab = Vocabulary(text)
    ids = vocab.encode(text)
    split = int(0.9 * len(ids))
    train_ids, val_ids = ids[:split], ids[split:]
    size = dict(context=16, d_model=16, heads=2, layers=1, ff=32) if args.tiny else {}
    model = GPT(len(vocab.chars), **size)
    val_rng = np.random.default_rng(SEED + 1)
    val = [windows(val_rng, val_ids, 32, model.context) for _ in range(4 if args.tiny else 20)]
    n_params = sum(p.size for p in model.parameters())
    before = evaluate(model, val)
    curve = []
    train(model, train_ids, args.steps, rng, log=lambda step, loss: curve.append(loss))
    after = evaluate(model, val)
    sample = generate(model, vocab, "The ", 40 if args.tiny else 300, rng)
    elapsed = time.perf_counter() - start
    chance, unigram = np.log(len(vocab.chars)), unigram_entropy(train_ids, len(vocab.chars))
    print(f"gpt_chars: {len(text):,} characters of the Python Language Reference "
          f"(pydoc_data.topics), {len(vocab.chars)} distinct; {n_params:,} parameters; "
          f"{args.steps} AdamW steps of 32 windows of {model.context}")
    print(f"gpt_chars: held-out loss {before:.3f} -> {after:.3f} nats/char (training loss, "
          f"mean of first/last 10 steps: {np.mean(curve[:10]):.3f} -> "
          f"{np.mean(curve[-10:]):.3f})")
    print(f"gpt_chars: uniform guess ln {len(vocab.chars)} = {chance:.3f}; unigram entropy "
          f"{unigram:.3f} (best without context)")
    print("gpt_chars: sample:\n" + sample)
    print(f"gpt_chars: time {elapsed:.1f} s")
    return {"before": before, "after": after, "unigram": unigram, "chance": chance,
            "curve": curve, "sample": sample, "parameters": n_params}


if __name__ == "__main__":
    main()
