"""A layer prints as PyTorch's does, so a printed model reads the same in both.

Each row builds the layer with the same arguments in graphgrad and in torch and compares
``repr``. (Deliberate differences are left out: the losses show a non-default
``reduction``, MultiheadAttention its sizes, the convolutions keep ``stride``/``padding``
as given.)
"""
import pytest

from graphgrad import nn

torch_nn = pytest.importorskip("torch").nn

CASES = [
    ("ReLU", (), {}), ("ReLU", (True,), {}), ("LeakyReLU", (0.2,), {}),
    ("GELU", (), {"approximate": "tanh"}), ("Softmax", (), {"dim": 1}),
    ("LogSoftmax", (), {"dim": 1}), ("Softmin", (), {"dim": 1}), ("ELU", (0.5,), {}),
    ("CELU", (2.0,), {}), ("Hardtanh", (-2.0, 2.0), {}), ("ReLU6", (), {}),
    ("ReLU6", (True,), {}), ("Softplus", (), {"beta": 2.0}), ("GLU", (), {}),
    ("PReLU", (3,), {}), ("SiLU", (), {}), ("Mish", (), {}), ("SELU", (), {}),
    ("Hardsigmoid", (), {}), ("Hardswish", (), {}), ("Softsign", (), {}),
    ("LogSigmoid", (), {}), ("Sigmoid", (), {}), ("Tanh", (), {}),
    ("Dropout", (0.2,), {}), ("Dropout2d", (0.2,), {}), ("Flatten", (), {}),
    ("Identity", (), {}), ("Linear", (3, 2), {}), ("Linear", (3, 2), {"bias": False}),
    ("MSELoss", (), {}), ("CrossEntropyLoss", (), {"label_smoothing": 0.1}),
    ("BatchNorm1d", (4,), {}), ("BatchNorm2d", (4,), {"momentum": None, "affine": False}),
    ("InstanceNorm2d", (3,), {}), ("InstanceNorm2d", (3,), {"affine": True}),
    ("LayerNorm", (8,), {}), ("LayerNorm", (8,), {"bias": False}),
    ("LayerNorm", ((2, 3),), {"elementwise_affine": False}), ("GroupNorm", (2, 4), {}),
    ("GroupNorm", (2, 4), {"affine": False}),
    ("RNN", (4, 8), {}), ("RNN", (4, 8), {"num_layers": 2, "bidirectional": True, "bias": False,
                                          "batch_first": True, "dropout": 0.5}),
    ("LSTM", (4, 8), {"proj_size": 2, "bias": False}), ("GRU", (4, 8), {"num_layers": 2}),
    ("RNNCell", (3, 5), {}), ("RNNCell", (3, 5), {"bias": False, "nonlinearity": "relu"}),
    ("LSTMCell", (3, 5), {"bias": False}), ("GRUCell", (3, 5), {"bias": False}),
    ("Unfold", (2,), {"stride": 2}), ("Fold", ((4, 4), 2), {"padding": 1}),
    ("Upsample", (), {"scale_factor": 2, "mode": "bilinear"}), ("Upsample", (), {"size": 5}),
    ("Embedding", (10, 3), {"padding_idx": 0}), ("MaxPool2d", (3,), {"stride": 2}),
    ("AvgPool2d", (2,), {}), ("AdaptiveAvgPool2d", ((2, 2),), {}),
]


@pytest.mark.parametrize("name,args,kwargs", CASES,
                         ids=[f"{name}-{i}" for i, (name, _, _) in enumerate(CASES)])
def test_repr_matches_torch(name, args, kwargs):
    assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch_nn, name)(*args,
                                                                                      **kwargs))
