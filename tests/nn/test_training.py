"""Training smoke tests: XOR and a linear regression converge with nn.optim; transfer learning."""
import numpy as np

from graphgrad import autograd, nn
from graphgrad.autograd import Tensor


def test_xor_converges_with_adam():
    autograd.manual_seed(0)
    x = Tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32))
    y = np.array([0, 1, 1, 0])
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    opt = nn.optim.Adam(model.parameters(), lr=0.05)
    criterion = nn.CrossEntropyLoss()
    first = None
    for _ in range(300):
        loss = criterion(model(x), y)
        first = loss.item() if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.05 * first
    with autograd.no_grad():
        np.testing.assert_array_equal(model(x).data.argmax(axis=1), y)


def test_xor_converges_with_bce_and_sgd_momentum():
    autograd.manual_seed(1)
    x = Tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32))
    y = np.array([[0], [1], [1], [0]], dtype=np.float32)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(500):
        loss = nn.BCEWithLogitsLoss()(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with autograd.no_grad():
        np.testing.assert_array_equal(model(x).data > 0, y > 0.5)


def test_linear_regression_recovers_coefficients_with_minibatches():
    rng = np.random.default_rng(0)
    true_w, true_b = np.array([[2.0, -3.0, 0.5]], dtype=np.float32), np.float32(1.5)
    x = rng.standard_normal((256, 3)).astype(np.float32)
    y = x @ true_w.T + true_b + 0.01 * rng.standard_normal((256, 1)).astype(np.float32)
    autograd.manual_seed(0)
    model = nn.Linear(3, 1)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    loader = nn.data.DataLoader((x, y), batch_size=32, shuffle=True)
    for _ in range(30):
        for xb, yb in loader:
            loss = nn.MSELoss()(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
    np.testing.assert_allclose(model.weight.data, true_w, atol=0.01)
    np.testing.assert_allclose(model.bias.data, [true_b], atol=0.01)
    assert model.weight.dtype == np.float32


def test_frozen_backbone_stays_fixed_while_head_trains():
    autograd.manual_seed(2)
    backbone = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
    head = nn.Linear(8, 3)
    model = nn.Sequential(backbone, head)
    backbone.requires_grad_(False)
    frozen = {k: v.numpy().copy() for k, v in backbone.state_dict().items()}
    opt = nn.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.01)
    x = Tensor(np.random.default_rng(0).standard_normal((16, 4)).astype(np.float32))
    y = np.arange(16) % 3
    head_before = head.weight.data.copy()
    for _ in range(5):
        loss = nn.CrossEntropyLoss()(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    for key, value in backbone.state_dict().items():
        np.testing.assert_array_equal(value.data, frozen[key])
    assert not np.array_equal(head.weight.data, head_before)


def _load_digits_example():
    import importlib.util
    import pathlib
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "digits.py"
    spec = importlib.util.spec_from_file_location("digits_example", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_digits_example_train_and_gradcheck_small_model():
    digits = _load_digits_example()
    autograd.manual_seed(0)
    train_data, val_data, (x_test, y_test) = digits.load_data()
    model, history = digits.train(digits.make_model(hidden=(16,)), train_data, val_data,
                                  epochs=3, progress=False)
    assert len(history["val_loss"]) == 3 and history["val_loss"][-1] < history["val_loss"][0]
    assert set(history) >= {"train_loss", "val_loss", "val_acc", "epoch_seconds", "best_epoch"}
    assert digits.evaluate(model, x_test, y_test)[1] > 0.5
    assert digits.check_gradients(model, x_test[:2], y_test[:2])
