"""nn: layers, losses, initialisers and optimizers over autograd, with PyTorch's names.

>>> import nn, nn.functional as F
>>> model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
>>> opt = nn.optim.Adam(model.parameters(), lr=1e-3)
"""
from . import data, functional, init, optim, utils  # noqa: F401
from .checkpoint import StateDictError  # noqa: F401
from .containers import ModuleList, Sequential  # noqa: F401
from .layers import (  # noqa: F401  # noqa: F401  # noqa: F401
                     GELU,
                     GRU,
                     LSTM,
                     RNN,
                     AdaptiveAvgPool2d,
                     AdaptiveMaxPool2d,
                     AvgPool2d,
                     BatchNorm1d,
                     BatchNorm2d,
                     Conv1d,
                     Conv2d,
                     ConvTranspose1d,
                     ConvTranspose2d,
                     CosineSimilarity,
                     Dropout,
                     Dropout2d,
                     Embedding,
                     Flatten,
                     Fold,
                     GroupNorm,
                     GRUCell,
                     Identity,
                     InstanceNorm2d,
                     LayerNorm,
                     LeakyReLU,
                     Linear,
                     LogSoftmax,
                     LSTMCell,
                     MaxPool2d,
                     MaxUnpool2d,
                     MultiheadAttention,
                     PairwiseDistance,
                     ReLU,
                     RNNCell,
                     Sigmoid,
                     Softmax,
                     Tanh,
                     TransformerDecoder,
                     TransformerDecoderLayer,
                     TransformerEncoder,
                     TransformerEncoderLayer,
                     Unfold,
                     Upsample,
)
from .loss import (  # noqa: F401
                     BCELoss,
                     BCEWithLogitsLoss,
                     CosineEmbeddingLoss,
                     CrossEntropyLoss,
                     GaussianNLLLoss,
                     HuberLoss,
                     KLDivLoss,
                     L1Loss,
                     MarginRankingLoss,
                     MSELoss,
                     NLLLoss,
                     PoissonNLLLoss,
                     SmoothL1Loss,
                     TripletMarginLoss,
)
from .module import Module, Parameter  # noqa: F401

__all__ = ["data", "functional", "init", "optim", "utils", "StateDictError", "ModuleList",
    "Sequential", "GELU", "GRU", "LSTM", "RNN", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
    "AvgPool2d", "BatchNorm1d", "BatchNorm2d", "Conv1d", "Conv2d", "ConvTranspose1d",
    "ConvTranspose2d", "Dropout", "Dropout2d", "Embedding", "Flatten", "Fold", "GroupNorm",
    "GRUCell", "Identity", "InstanceNorm2d", "LayerNorm", "LeakyReLU", "Linear", "LogSoftmax",
    "LSTMCell", "MaxPool2d", "MaxUnpool2d", "MultiheadAttention", "ReLU", "RNNCell", "Sigmoid",
    "Softmax", "Tanh", "TransformerDecoder", "TransformerDecoderLayer", "TransformerEncoder",
    "TransformerEncoderLayer", "Unfold", "Upsample", "BCELoss", "BCEWithLogitsLoss",
    "CosineEmbeddingLoss", "CrossEntropyLoss", "GaussianNLLLoss", "HuberLoss", "KLDivLoss",
    "L1Loss", "MarginRankingLoss", "MSELoss", "NLLLoss", "PoissonNLLLoss", "SmoothL1Loss",
    "TripletMarginLoss", "Module", "Parameter"]
