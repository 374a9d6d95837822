"""Loss modules: ``criterion = nn.CrossEntropyLoss(); loss = criterion(logits, target)``.

Each wraps its ``nn.functional`` form; ``reduction`` is ``"mean"`` (default),
``"sum"`` or ``"none"`` and is checked when the loss is made.
"""
import numpy as np

from ..autograd import Tensor
from . import _reduction
from . import functional as F
from ._functional_losses import check_reduction
from .module import Module

__all__ = ["MSELoss", "L1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss", "KLDivLoss", "SmoothL1Loss", "CosineEmbeddingLoss", "MarginRankingLoss",
    "TripletMarginLoss", "GaussianNLLLoss", "PoissonNLLLoss"]


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        check_reduction(reduction, type(self).__name__)
        self.reduction = reduction

    def extra_repr(self) -> str:
        """``reduction=...`` when it is not ``"mean"``, else empty; shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.MSELoss(), nn.MSELoss(reduction="sum")
        (MSELoss(), MSELoss(reduction='sum'))
        """
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error ``(input - target)^2``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.MSELoss()(gg.tensor([1.0, 2.0, 3.0]), gg.tensor([1.0, 0.0, 0.0]))  # (0 + 4 + 9) / 3
    Tensor(4.3333335, dtype=float32)
    """

    def forward(self, input: Tensor, target: Tensor | np.ndarray) -> Tensor:  # noqa: A002 - PyTorch's names
        """The reduced squared errors; calling the module runs this. The gradient of
        the mean is ``2 (input - target) / n``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> nn.MSELoss().forward(x, gg.tensor([1.0, 0.0, 0.0])).backward()
        >>> x.grad  # 2 * [0, 2, 3] / 3
        Tensor([0.       , 1.3333334, 2.       ], dtype=float32)
        """
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error ``|input - target|``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.L1Loss()(gg.tensor([1.0, 2.0, 3.0]), gg.tensor([1.0, 0.0, 0.0]))  # (0 + 2 + 3) / 3
    Tensor(1.6666666, dtype=float32)
    """

    def forward(self, input: Tensor, target: Tensor | np.ndarray) -> Tensor:  # noqa: A002
        """The reduced absolute errors; calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x, target = gg.tensor([1.0, 2.0, 3.0]), gg.tensor([1.0, 0.0, 0.0])
        >>> nn.L1Loss(reduction="none").forward(x, target)
        Tensor([0., 2., 3.], dtype=float32)
        >>> nn.L1Loss(reduction="sum").forward(x, target)
        Tensor(5., dtype=float32)
        """
        return F.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """Quadratic within ``delta`` of the target, linear beyond (robust regression).

    ``0.5 d^2`` where ``|d| <= delta``, else ``delta * (|d| - 0.5 delta)``, with
    ``d = input - target``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.HuberLoss()(gg.tensor([0.5, 3.0]), gg.zeros(2))  # (0.125 + 2.5) / 2
    Tensor(1.3125, dtype=float32)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor | np.ndarray) -> Tensor:  # noqa: A002
        """The reduced Huber loss; calling the module runs this. Its gradient is
        ``d`` inside ``delta`` and ``delta * sign(d)`` outside: an outlier pulls no harder than
        ``delta``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([0.5, 3.0], requires_grad=True)
        >>> nn.HuberLoss(reduction="sum").forward(x, gg.zeros(2)).backward()
        >>> x.grad
        Tensor([0.5, 1. ], dtype=float32)
        """
        return F.huber_loss(input, target, self.reduction, self.delta)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits (N, C) against class indices (N,) or class probabilities.

    One fused op: a stable log-softmax (finite for logits of +-1e4), the pick
    of each target's log-probability and the reduction; its backward is
    ``softmax - onehot``.

    Examples
    --------
    >>> import numpy as np
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> logits = gg.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> nn.CrossEntropyLoss()(logits, np.array([0, 2]))  # mean of -log(0.787), -log(1/3)
    Tensor(0.6690786, dtype=float32)
    """

    def __init__(self, weight: Tensor | None = None, ignore_index: int = -100,
                 reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        self.weight, self.ignore_index, self.label_smoothing = weight, ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor | np.ndarray) -> Tensor:  # noqa: A002
        """The reduced cross-entropy; calling the module runs this. The gradient of
        one sample's loss is ``softmax(logits) - onehot(target)``; a target equal to
        ``ignore_index`` adds nothing.

        Examples
        --------
        >>> import numpy as np
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([[2.0, 0.0, 0.0]], requires_grad=True)
        >>> nn.CrossEntropyLoss().forward(x, np.array([0])).backward()
        >>> x.grad.round(4)  # softmax is [0.787, 0.1065, 0.1065]
        Tensor([[-0.213 ,  0.1065,  0.1065]], dtype=float32)
        >>> nn.CrossEntropyLoss().forward(gg.zeros(1, 2), gg.tensor([[0.5, 0.5]]))  # soft targets
        Tensor(0.6931472, dtype=float32)
        """
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of class indices, for inputs that are log-probabilities.

    ``LogSoftmax`` followed by ``NLLLoss`` is ``CrossEntropyLoss``.

    Examples
    --------
    >>> import numpy as np
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> log_probs = gg.tensor([[-0.5, -1.0], [-2.0, -0.1]])
    >>> nn.NLLLoss()(log_probs, np.array([0, 1]))  # (0.5 + 0.1) / 2
    Tensor(0.3, dtype=float32)
    """

    def __init__(self, weight: Tensor | None = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight, self.ignore_index = weight, ignore_index

    def forward(self, input: Tensor, target: Tensor | np.ndarray) -> Tensor:  # noqa: A002
        """Minus the log-probability of each target class, reduced; calling the
        module runs this.

        Examples
        --------
        >>> import numpy as np
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> log_probs = gg.tensor([[-0.5, -1.0], [-2.0, -0.1]])
        >>> nn.NLLLoss(reduction="none").forward(log_probs, np.array([0, 1]))
        Tensor([0.5, 0.1], dtype=float32)
        """
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities in [0, 1]; logs clamped at -100.

    ``-(t log p + (1 - t) log(1 - p))``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.BCELoss()(gg.tensor([0.8, 0.5]), gg.tensor([1.0, 0.0]))  # (-log 0.8 - log 0.5) / 2
    Tensor(0.45814535, dtype=float32)
    """

    def __init__(self, weight: Tensor | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight

    def forward(self, input: Tensor, target: Tensor | np.ndarray) -> Tensor:  # noqa: A002
        """The reduced binary cross-entropy; calling the module runs this. A
        probability of exactly 0 for a positive costs 100 (the clamp), not inf.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> nn.BCELoss().forward(gg.tensor([0.0]), gg.tensor([1.0]))
        Tensor(100., dtype=float32)
        """
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy in one stable op; ``pos_weight`` scales positives.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.BCEWithLogitsLoss()(gg.tensor([0.0, 0.0]), gg.tensor([1.0, 0.0]))  # log 2
    Tensor(0.6931472, dtype=float32)
    """

    def __init__(self, weight: Tensor | None = None, reduction: str = "mean",
                 pos_weight: Tensor | None = None) -> None:
        super().__init__(reduction)
        self.weight, self.pos_weight = weight, pos_weight

    def forward(self, input: Tensor, target: Tensor | np.ndarray) -> Tensor:  # noqa: A002
        """``BCELoss`` of ``sigmoid(input)``, computed from the logits; calling the
        module runs this. The gradient is ``sigmoid(x) - t``; ``pos_weight`` multiplies the
        positive term.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([0.0], requires_grad=True)
        >>> nn.BCEWithLogitsLoss().forward(x, gg.tensor([1.0])).backward()
        >>> x.grad
        Tensor([-0.5], dtype=float32)
        >>> nn.BCEWithLogitsLoss(pos_weight=gg.tensor([2.0])).forward(gg.zeros(1), gg.ones(1))
        Tensor(1.3862944, dtype=float32)
        """
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class _LegacyLoss(_Loss):
    """PyTorch's ``(size_average=None, reduce=None, reduction='mean')`` constructor triple."""

    _reductions: tuple[str, ...] = ("mean", "sum", "none")

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        Module.__init__(self)
        name = type(self).__name__
        reduction = _reduction.legacy_reduction(size_average, reduce, reduction, name)
        self.reduction = _reduction.check(reduction, name, self._reductions)


class KLDivLoss(_LegacyLoss):
    """KL divergence of log-probability inputs from (log-)probability targets.

    Use ``reduction="batchmean"`` for the mathematical KL divergence of a batch.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> log_q = gg.tensor([[0.25, 0.75]]).log()
    >>> nn.KLDivLoss(reduction="batchmean")(log_q, gg.tensor([[0.5, 0.5]])).round(4)
    Tensor(0.1438, dtype=float32)
    """

    _reductions = ("mean", "batchmean", "sum", "none")

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor | np.ndarray) -> Tensor:  # noqa: A002
        """``sum(target * (log(target) - input))``, reduced; calling the module runs
        this. It is 0 when the distributions agree.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> p = gg.tensor([[0.5, 0.5]])
        >>> nn.KLDivLoss(reduction="batchmean").forward(p.log(), p)
        Tensor(0., dtype=float32)
        """
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class SmoothL1Loss(_LegacyLoss):
    """Quadratic below ``beta``, linear above (``0.5 d^2 / beta`` or ``|d| - 0.5 beta``).

    ``HuberLoss(delta=beta)`` is ``beta`` times this loss.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.SmoothL1Loss(beta=2.0)(gg.tensor([0.5, 3.0]), gg.zeros(2))  # (0.0625 + 2) / 2
    Tensor(1.03125, dtype=float32)
    """

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor | np.ndarray) -> Tensor:  # noqa: A002
        """The reduced smooth L1 loss; calling the module runs this. Its gradient
        is ``d / beta`` inside ``beta`` and ``sign(d)`` outside.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([0.5, 3.0], requires_grad=True)
        >>> nn.SmoothL1Loss(reduction="sum", beta=2.0).forward(x, gg.zeros(2)).backward()
        >>> x.grad
        Tensor([0.25, 1.  ], dtype=float32)
        """
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class CosineEmbeddingLoss(_LegacyLoss):
    """``1 - cos(x1, x2)`` for pairs labelled 1, ``max(0, cos - margin)`` for -1.

    Examples
    --------
    >>> import numpy as np
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> x1 = gg.tensor([[1.0, 0.0], [1.0, 0.0]])
    >>> x2 = gg.tensor([[0.0, 1.0], [1.0, 1.0]])
    >>> nn.CosineEmbeddingLoss()(x1, x2, np.array([1, -1])).round(4)  # (1 + 0.7071) / 2
    Tensor(0.8536, dtype=float32)
    """

    def __init__(self, margin: float = 0.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor | np.ndarray) -> Tensor:
        """The reduced loss of the pairs ``(input1[i], input2[i])`` labelled
        ``target[i]`` (1: similar, -1: dissimilar); calling the module runs this.

        Examples
        --------
        >>> import numpy as np
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x1, x2 = gg.tensor([[1.0, 0.0], [1.0, 0.0]]), gg.tensor([[1.0, 1.0], [1.0, 1.0]])
        >>> loss = nn.CosineEmbeddingLoss(margin=0.5, reduction="none")
        >>> loss.forward(x1, x2, np.array([1, -1])).round(4)  # cos = 0.7071 for both
        Tensor([0.2929, 0.2071], dtype=float32)
        """
        return F.cosine_embedding_loss(input1, input2, target, self.margin,
                                       reduction=self.reduction)


class MarginRankingLoss(_LegacyLoss):
    """``max(0, -y (x1 - x2) + margin)``: rank x1 above x2 where y is 1, below where -1.

    Examples
    --------
    >>> import numpy as np
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> loss = nn.MarginRankingLoss(margin=0.5)
    >>> loss(gg.tensor([1.0, 2.0]), gg.tensor([2.0, 1.0]), np.array([1, 1]))  # (1.5 + 0) / 2
    Tensor(0.75, dtype=float32)
    """

    def __init__(self, margin: float = 0.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor | np.ndarray) -> Tensor:
        """The reduced ranking loss; calling the module runs this. A pair ranked
        the right way by at least ``margin`` costs 0.

        Examples
        --------
        >>> import numpy as np
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x1, x2 = gg.tensor([1.0, 2.0]), gg.tensor([2.0, 1.0])
        >>> nn.MarginRankingLoss(reduction="none").forward(x1, x2, np.array([1, -1]))
        Tensor([1., 1.], dtype=float32)
        """
        return F.margin_ranking_loss(input1, input2, target, self.margin,
                                     reduction=self.reduction)


class TripletMarginLoss(_LegacyLoss):
    """``max(d(a, p) - d(a, n) + margin, 0)`` with p-norm distances (``swap`` as PyTorch).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> anchor, positive = gg.zeros(1, 2), gg.tensor([[3.0, 4.0]])
    >>> negative = gg.tensor([[1.0, 0.0]])
    >>> nn.TripletMarginLoss()(anchor, positive, negative).round(4)  # 5 - 1 + 1
    Tensor(5., dtype=float32)
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        """The reduced triplet loss; calling the module runs this. It is 0 once
        the negative is ``margin`` farther from the anchor than the positive.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> anchor, positive = gg.zeros(2, 2), gg.tensor([[1.0, 0.0], [1.0, 0.0]])
        >>> negative = gg.tensor([[3.0, 0.0], [0.0, 1.5]])
        >>> nn.TripletMarginLoss(reduction="none").forward(anchor, positive, negative).round(4)
        Tensor([0. , 0.5], dtype=float32)
        """
        return F.triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                     self.swap, reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood with predicted variances: ``loss(input, target, var)``.

    ``0.5 * (log(var) + (input - target)^2 / var)`` (plus ``0.5 log(2 pi)`` with
    ``full=True``); ``var`` is clamped at ``eps``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> loss = nn.GaussianNLLLoss()
    >>> loss(gg.tensor([[1.0, 2.0]]), gg.tensor([[1.0, 0.0]]), gg.ones(1, 2))  # (0 + 0.5 * 4) / 2
    Tensor(1., dtype=float32)
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor | np.ndarray, var: Tensor) -> Tensor:  # noqa: A002
        """The reduced Gaussian NLL of ``target`` under ``N(input, var)``; calling
        the module runs this. A larger variance costs ``log(var)`` but forgives errors.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> loss = nn.GaussianNLLLoss(reduction="none")
        >>> loss.forward(gg.zeros(1, 2), gg.ones(1, 2), gg.tensor([[1.0, 4.0]])).round(4)
        Tensor([[0.5   , 0.8181]], dtype=float32)
        """
        return F.gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)


class PoissonNLLLoss(_LegacyLoss):
    """Poisson negative log-likelihood of counts; ``log_input`` means input is the log-rate.

    ``exp(input) - target * input`` (``log_input=True``), else
    ``input - target * log(input + eps)``; ``full=True`` adds Stirling's term.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> loss = nn.PoissonNLLLoss()
    >>> loss(gg.tensor([0.0, 1.0]), gg.tensor([1.0, 2.0])).round(4)  # (1 + (e - 2)) / 2
    Tensor(0.8591, dtype=float32)
    """

    def __init__(self, log_input: bool = True, full: bool = False, size_average: bool | None = None,
                 eps: float = 1e-8, reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor | np.ndarray) -> Tensor:
        """The reduced Poisson NLL of the counts ``target``; calling the module runs
        this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> rate, counts = gg.tensor([2.0]), gg.tensor([2.0])
        >>> nn.PoissonNLLLoss(log_input=False).forward(rate, counts).round(4)  # 2 - 2 log 2
        Tensor(0.6137, dtype=float32)
        """
        return F.poisson_nll_loss(log_input, target, self.log_input, self.full, eps=self.eps,
                                  reduction=self.reduction)
