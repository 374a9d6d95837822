"""Train an MLP on scikit-learn's 8x8 handwritten digits with Adam, as one would in PyTorch.

The data ships inside scikit-learn (1,797 images, no download). The script
splits it into train / validation / test sets, trains with mini-batches and a
tqdm bar per epoch, stops early when the validation loss stops improving,
reports the test accuracy, saves the weights as ``.npz``, reloads them into a
fresh model (same accuracy), and finally checks the model's gradients against
finite differences in float64 with ``graphgrad.autograd.testing.gradcheck``.

    python examples/digits.py [--epochs 100] [--out DIR]
"""
import argparse
import os
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tqdm import tqdm

import graphgrad as gg
import graphgrad.nn.functional as F
from graphgrad import nn
from graphgrad.autograd.testing import gradcheck

SEED = 0


def make_model(hidden=(128, 64), dropout=0.2):
    """64 pixels -> hidden layers (ReLU, dropout) -> 10 class logits."""
    layers, width = [], 64
    for size in hidden:
        layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(dropout)]
        width = size
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def load_data(seed=SEED):
    """Pixels scaled to [0, 1] (float32) and labels; 64% train, 16% validation, 20% test."""
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=0.2, stratify=y,
                                                      random_state=seed)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.2,
                                                      stratify=y_rest, random_state=seed)
    return (x_train, y_train), (x_val, y_val), (x_test, y_test)


@gg.no_grad()
def evaluate(model, x, y):
    """(mean cross-entropy, accuracy) of ``model`` on arrays ``x``, ``y`` in eval mode."""
    was_training = model.training
    model.eval()
    logits = model(gg.Tensor(x))
    model.train(was_training)
    loss = F.cross_entropy(logits, y).item()
    return loss, float(np.mean(logits.data.argmax(axis=1) == y))


def train(model, train_data, val_data, epochs=100, lr=3e-3, batch_size=64, patience=15,
          weight_decay=0.0, progress=True):
    """Train with Adam and early stopping; returns ``(model, history)``.

    The model ends with the weights of its best validation epoch. ``history``
    holds per-epoch lists ``train_loss``, ``val_loss``, ``val_acc`` (what
    ``viz.plot_losses`` draws) and ``epoch_seconds`` (wall time of each epoch),
    plus ``best_epoch``.
    """
    loader = nn.data.DataLoader(nn.data.TensorDataset(*train_data), batch_size=batch_size,
                                shuffle=True)
    optimizer = nn.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    criterion = nn.CrossEntropyLoss()
    history = {"train_loss": [], "val_loss": [], "val_acc": [], "epoch_seconds": []}
    best_loss, best_state, best_epoch, waited = float("inf"), None, 0, 0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        total, seen = 0.0, 0
        bar = tqdm(loader, desc=f"epoch {epoch:3d}", leave=False, disable=not progress,
                   unit="batch")
        for xb, yb in bar:
            loss = criterion(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            seen += len(yb)
            bar.set_postfix(loss=f"{loss.item():.4f}", refresh=False)
        seconds = time.perf_counter() - start
        val_loss, val_acc = evaluate(model, *val_data)
        for key, value in zip(history, (total / seen, val_loss, val_acc, seconds)):
            history[key].append(value)
        if progress:
            tqdm.write(f"epoch {epoch:3d}  train loss {total / seen:.4f}  val loss "
                       f"{val_loss:.4f}  val acc {val_acc:6.2%}  {seconds * 1000:6.1f} ms")
        if val_loss < best_loss - 1e-4:
            best_loss, best_epoch, waited = val_loss, epoch, 0
            best_state = {k: v.numpy().copy() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if waited >= patience:
                if progress:
                    tqdm.write(f"early stop: no val-loss improvement for {patience} epochs; "
                               f"restoring epoch {best_epoch}")
                break
    model.load_state_dict(best_state)
    history["best_epoch"] = best_epoch
    return model, history


def check_gradients(model, x, y):
    """gradcheck of the loss on a small batch w.r.t. every parameter and the input, float64."""
    model = model.double().eval()
    params = tuple(model.parameters())
    x64 = gg.Tensor(x.astype(np.float64), requires_grad=True)

    def loss_fn(inputs, *weights):  # the weights are the model's own tensors, perturbed in place
        return F.cross_entropy(model(inputs), y)

    return gradcheck(loss_fn, (x64,) + params)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100, help="maximum epochs (default 100)")
    parser.add_argument("--out", default="digits_out", help="folder for the weights")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    gg.manual_seed(args.seed)
    train_data, val_data, (x_test, y_test) = load_data(args.seed)
    print(f"digits: {len(train_data[0])} train, {len(val_data[0])} validation, "
          f"{len(x_test)} test images of 8x8 pixels")
    model = make_model()
    print(model)
    print(f"{sum(p.size for p in model.parameters()):,} parameters")

    model, history = train(model, train_data, val_data, epochs=args.epochs)
    seconds = history["epoch_seconds"]
    print(f"trained {len(seconds)} epochs (best: {history['best_epoch']}); time per epoch: "
          f"mean {np.mean(seconds) * 1000:.1f} ms, median {np.median(seconds) * 1000:.1f} ms, "
          f"total {np.sum(seconds):.2f} s")
    _, accuracy = evaluate(model, x_test, y_test)
    print(f"test accuracy: {accuracy:.2%}")

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "digits_mlp.npz")
    model.save(path)
    fresh = make_model()
    fresh.load(path)
    _, reloaded = evaluate(fresh, x_test, y_test)
    print(f"saved {path} ({os.path.getsize(path):,} bytes); reloaded into a fresh model: "
          f"test accuracy {reloaded:.2%} ({'same' if reloaded == accuracy else 'DIFFERENT'})")

    start = time.perf_counter()
    ok = check_gradients(fresh, x_test[:4], y_test[:4])
    checked = sum(p.size for p in fresh.parameters()) + x_test[:4].size
    print(f"gradcheck (float64, batch of 4, {checked:,} elements): "
          f"{'passed' if ok else 'FAILED'} in {time.perf_counter() - start:.1f} s")
    if accuracy < 0.96 or reloaded != accuracy:
        raise SystemExit("the digits demo missed its target (>= 96% and identical reload)")
    return model, history


if __name__ == "__main__":
    main()
