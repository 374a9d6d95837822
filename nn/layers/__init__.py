"""Layers: one module per file family; each layer family adds its line below."""
from .activation import GELU, LeakyReLU, Mish, PReLU, ReLU, Sigmoid, SiLU, Tanh  # noqa: F401
from .activation_variants import (  # noqa: F401
    CELU,
    ELU,
    SELU,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LogSigmoid,
    ReLU6,
    Softplus,
    Softsign,
)
from .attention import MultiheadAttention  # noqa: F401
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d  # noqa: F401
from .distance import CosineSimilarity, PairwiseDistance  # noqa: F401
from .dropout import Dropout, Dropout2d  # noqa: F401
from .embedding import Embedding  # noqa: F401
from .flatten import Flatten  # noqa: F401
from .linear import Identity, Linear  # noqa: F401
from .norm import BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm  # noqa: F401
from .pooling import (  # noqa: F401
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool2d,
    MaxPool2d,
    MaxUnpool2d,
)
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell  # noqa: F401
from .resample import Fold, Unfold, Upsample  # noqa: F401
from .softmax import GLU, LogSoftmax, Softmax, Softmin  # noqa: F401
from .transformer import (  # noqa: F401
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)

__all__ = ["GELU", "LeakyReLU", "LogSoftmax", "ReLU", "Sigmoid", "Softmax", "Tanh",
    "MultiheadAttention", "Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "Dropout",
    "Dropout2d", "Embedding", "Flatten", "Identity", "Linear", "BatchNorm1d", "BatchNorm2d",
    "GroupNorm", "InstanceNorm2d", "LayerNorm", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
    "AvgPool2d", "MaxPool2d", "MaxUnpool2d", "GRU", "LSTM", "RNN", "GRUCell", "LSTMCell",
    "RNNCell", "Fold", "Unfold", "Upsample", "TransformerDecoder", "TransformerDecoderLayer",
    "TransformerEncoder", "TransformerEncoderLayer", "SiLU", "Mish", "ELU", "SELU", "CELU",
    "Hardtanh", "ReLU6", "Hardsigmoid", "Hardswish", "Softsign", "LogSigmoid", "Softplus",
    "Softmin", "GLU", "PReLU", "CosineSimilarity", "PairwiseDistance"]
