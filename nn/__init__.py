"""nn: layers, losses, initialisers and optimizers over autograd, with PyTorch's names.

>>> import nn, nn.functional as F
>>> model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
>>> opt = nn.optim.Adam(model.parameters(), lr=1e-3)
"""
from . import data, functional, init, optim, utils  # noqa: F401
from .checkpoint import StateDictError  # noqa: F401
from .containers import ModuleList, Sequential  # noqa: F401
from .layers import (GELU, Dropout, Flatten, Identity, LeakyReLU, Linear, LogSoftmax,  # noqa: F401
                     ReLU, Sigmoid, Softmax, Tanh)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss,  # noqa: F401
                   MSELoss, NLLLoss)
from .module import Module, Parameter  # noqa: F401
from .layers import (AvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, Embedding,  # noqa: F401
                     LayerNorm, MaxPool2d)
from .layers import LSTM, RNN, LSTMCell, RNNCell  # noqa: F401
