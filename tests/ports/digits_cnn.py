"""An MNIST-style CNN on scikit-learn's bundled 8x8 digits: SGD with momentum and StepLR.

The shape of pytorch/examples' MNIST program (conv, relu, max-pool, dropout,
log_softmax, nll_loss, a scheduler, an accuracy count with ``max(dim=1)``),
on data that ships with scikit-learn. Dropout is left out so that two
libraries' random masks cannot differ.
"""
import numpy as np


def load_digits(lib, count=256):
    """The first ``count`` digits as ``(N, 1, 8, 8)`` float64 images in [0, 1] and int64 labels."""
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    images = lib.from_numpy(np.ascontiguousarray(digits.images[:count] / 16.0))
    labels = lib.from_numpy(digits.target[:count].astype(np.int64))
    return images.unsqueeze(1), labels


def build(lib):
    """The network, as a ``lib.nn.Module`` subclass."""
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 8, 3, 1)
            self.conv2 = nn.Conv2d(8, 16, 3, 1)
            self.fc1 = nn.Linear(64, 32)
            self.fc2 = nn.Linear(32, 10)

        def forward(self, x):
            x = F.relu(self.conv1(x))
            x = F.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = lib.flatten(x, 1)
            x = F.relu(self.fc1(x))
            return F.log_softmax(self.fc2(x), dim=1)

    return Net()


def train(lib, model, steps, batch_size=32):
    """Train ``steps`` mini-batches; return ``(losses, accuracy on the data afterwards)``."""
    F = lib.nn.functional
    images, labels = load_digits(lib)
    model = model.to("cpu").double()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.7)
    losses = []
    model.train()
    for step in range(steps):
        start = step * batch_size % images.size(0)
        data, target = images[start:start + batch_size], labels[start:start + batch_size]
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    model.eval()
    with lib.no_grad():
        predicted = model(images).max(dim=1)[1]
        correct = predicted.eq(labels.view_as(predicted)).sum().item()
    return losses, correct / len(labels)


if __name__ == "__main__":
    import graphgrad

    losses, accuracy = train(graphgrad, build(graphgrad), 40)
    print(f"first loss {losses[0]:.3f}, last {losses[-1]:.3f}, accuracy {accuracy:.2f}")
