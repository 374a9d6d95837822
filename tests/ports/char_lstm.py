"""A character-level LSTM language model on a small local text (the Zen of Python).

Embedding, a two-layer LSTM, a linear decoder, cross-entropy over the batch,
gradient clipping and Adam: the structure of pytorch/examples' word-level
language model at the scale of one paragraph of text.
"""
import codecs
import contextlib
import io

import numpy as np

with contextlib.redirect_stdout(io.StringIO()):  # importing `this` prints the Zen
    import this

TEXT = codecs.decode(this.s, "rot13")


def encode(lib, text=TEXT):
    """The text as int64 ids, and the vocabulary size."""
    vocab = sorted(set(text))
    ids = np.array([vocab.index(ch) for ch in text], dtype=np.int64)
    return lib.from_numpy(ids), len(vocab)


def build(lib, vocab_size, embed=16, hidden=32):
    """Embedding -> LSTM (2 layers) -> Linear, as a ``lib.nn.Module``."""
    nn = lib.nn

    class CharModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Embedding(vocab_size, embed)
            self.rnn = nn.LSTM(embed, hidden, num_layers=2)
            self.decoder = nn.Linear(hidden, vocab_size)

        def forward(self, input, state=None):
            output, state = self.rnn(self.encoder(input), state)
            return self.decoder(output), state

    return CharModel()


def train(lib, model, steps, seq_len=20, batch_size=4):
    """Train on consecutive windows; return the loss of each step."""
    F = lib.nn.functional
    ids, vocab_size = encode(lib)
    model = model.to(dtype=lib.float64)
    optimizer = lib.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for step in range(steps):
        starts = [(step * batch_size + b) * seq_len % (ids.numel() - seq_len - 1)
                  for b in range(batch_size)]
        input = lib.stack([ids[s:s + seq_len] for s in starts], dim=1)
        target = lib.stack([ids[s + 1:s + seq_len + 1] for s in starts], dim=1)
        optimizer.zero_grad()
        output, _ = model(input)
        loss = F.cross_entropy(output.view(-1, vocab_size), target.reshape(-1))
        loss.backward()
        lib.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        optimizer.step()
        losses.append(loss.item())
    return losses


if __name__ == "__main__":
    import graphgrad

    ids, vocab_size = encode(graphgrad)
    losses = train(graphgrad, build(graphgrad, vocab_size), 30)
    print(f"first loss {losses[0]:.3f}, last {losses[-1]:.3f}")
