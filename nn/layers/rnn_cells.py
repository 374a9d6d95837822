"""Recurrent steps: the per-step rules of RNN, LSTM and GRU, their fused pointwise ops,
the function forms ``rnn_cell``/``lstm_cell``/``gru_cell`` and the cell modules.

Gate orders and equations are PyTorch's: LSTM (i, f, g, o), GRU (r, z, n) with
the reset gate applied to the hidden projection INCLUDING its bias:
``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) n + z h``.
"""
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ... import autograd
from ...autograd import ShapeError, Tensor, backend
from .. import functional as F
from .._validate import positive_int
from ..module import Module, Parameter

__all__ = ["LSTMPointwise", "GRUPointwise", "rnn_step", "lstm_step", "gru_step", "project",
    "rnn_cell", "lstm_cell", "gru_cell", "uniform_parameter", "RNNCell", "LSTMCell", "GRUCell"]


# ------------------------------------------------------------------ fused pointwise ops
class LSTMPointwise(autograd.Function):
    """The elementwise part of an LSTM step, fused into one node.

    From the gate pre-activations ``z = [z_i, z_f, z_g, z_o]`` and the previous
    cell ``c``: ``i, f, o = sigmoid(z_i, z_f, z_o)``, ``g = tanh(z_g)``,
    ``c' = f c + i g``, ``h' = o tanh(c')``; returns ``[h', c']`` stacked on a
    new first axis. One node instead of eleven per step.
    d/dz_o = dh o(1-o) tanh(c'); with dc = dc' + dh o (1 - tanh(c')^2):
    d/dz_i = dc g i(1-i), d/dz_f = dc c f(1-f), d/dz_g = dc i (1-g^2), d/dc = dc f.
    """

    op_name = "lstm_pointwise"

    @staticmethod
    def forward(ctx: Any, z: np.ndarray, c: np.ndarray) -> np.ndarray:
        xp = backend.namespace(z)
        i, f, g, o = _lstm_gates(z)
        c_new = f * c + i * g
        tanh_c = xp.tanh(c_new)
        ctx.save_for_backward(z, c, (i, f, g, o, tanh_c))
        return xp.stack([o * tanh_c, c_new])

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        z, c, acts = ctx.saved_tensors
        join: Callable[..., Any]
        if not autograd.is_value(z):
            i, f, g, o, tanh_c = acts
            join = backend.namespace(z).concat
        else:  # create_graph: recompute from z and c so the rule stays differentiable
            i, f, g, o = _lstm_gates(z)
            tanh_c = (f * c + i * g).tanh()
            join = autograd.concatenate
        grad_h, grad_c = grad[0, ...], grad[1, ...]
        grad_c = grad_c + grad_h * o * (1 - tanh_c * tanh_c)
        grad_z = join([grad_c * g * i * (1 - i), grad_c * c * f * (1 - f),
                       grad_c * i * (1 - g * g), grad_h * tanh_c * o * (1 - o)], axis=-1)
        return grad_z, grad_c * f


def _lstm_gates(z: Any) -> tuple[Any, Any, Any, Any]:
    """``sigmoid(z_i), sigmoid(z_f), tanh(z_g), sigmoid(z_o)`` of arrays or Tensors."""
    n = z.shape[-1] // 4
    if not autograd.is_value(z):
        # NOTE: one sigmoid over all of z (contiguous) beats three over strided quarters.
        s = autograd.sigmoid(z).data
        g = backend.namespace(z).tanh(z[..., 2 * n:3 * n])
        return s[..., :n], s[..., n:2 * n], g, s[..., 3 * n:]
    parts = [z[..., k * n:(k + 1) * n] for k in range(4)]
    return parts[0].sigmoid(), parts[1].sigmoid(), parts[2].tanh(), parts[3].sigmoid()


class GRUPointwise(autograd.Function):
    """The elementwise part of a GRU step, fused into one node.

    From ``gi = W_ih x + b_ih`` and ``gh = W_hh h + b_hh`` (each [r, z, n] parts)
    and ``h``: ``r = sigmoid(gi_r + gh_r)``, ``z = sigmoid(gi_z + gh_z)``,
    ``n = tanh(gi_n + r gh_n)``, ``h' = (1 - z) n + z h``.
    With dn = dh' (1 - z)(1 - n^2): d/dgi = [dn gh_n r(1-r), dh' (h - n) z(1-z), dn],
    d/dgh = [the same r and z parts, dn r], d/dh = dh' z.
    """

    op_name = "gru_pointwise"

    @staticmethod
    def forward(ctx: Any, gi: np.ndarray, gh: np.ndarray, h: np.ndarray) -> np.ndarray:
        r, z, n = _gru_gates(gi, gh)
        ctx.save_for_backward(gi, gh, h, (r, z, n))
        return n + z * (h - n)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any, Any]:
        gi, gh, h, acts = ctx.saved_tensors
        join: Callable[..., Any]
        if not autograd.is_value(gi):
            r, z, n = acts
            join = backend.namespace(gi).concat
        else:  # create_graph: recompute so the rule stays differentiable
            r, z, n = _gru_gates(gi, gh)
            join = autograd.concatenate
        size = h.shape[-1]
        grad_n = grad * (1 - z) * (1 - n * n)
        grad_r = grad_n * gh[..., 2 * size:] * r * (1 - r)
        grad_z = grad * (h - n) * z * (1 - z)
        need_gi, need_gh, need_h = ctx.needs_input_grad
        return (join([grad_r, grad_z, grad_n], axis=-1) if need_gi else None,
                join([grad_r, grad_z, grad_n * r], axis=-1) if need_gh else None,
                grad * z if need_h else None)


def _gru_gates(gi: Any, gh: Any) -> tuple[Any, Any, Any]:
    """``r, z, n`` of arrays or Tensors."""
    size = gi.shape[-1] // 3
    rz: Any = autograd.sigmoid(gi[..., :2 * size] + gh[..., :2 * size])
    if not autograd.is_value(gi):
        rz = rz.data
        r, z = rz[..., :size], rz[..., size:]
        return r, z, backend.namespace(gi).tanh(gi[..., 2 * size:] + r * gh[..., 2 * size:])
    r, z = rz[..., :size], rz[..., size:]
    return r, z, (gi[..., 2 * size:] + r * gh[..., 2 * size:]).tanh()


# ------------------------------------------------------------------ function forms
def rnn_step(proj: Tensor, h: Tensor, w_hh_t: Tensor, nonlinearity: str) -> Tensor:
    """``act(proj + h W_hh^T)``: proj holds ``x W_ih^T + b_ih + b_hh``."""
    pre = proj + h @ w_hh_t
    return pre.tanh() if nonlinearity == "tanh" else pre.relu()


def lstm_step(proj: Tensor, h: Tensor, c: Tensor, w_hh_t: Tensor) -> tuple[Tensor, Tensor]:
    """``(h', c')`` from the input projection (both biases folded in); ``w_hh_t = W_hh^T``."""
    hc = LSTMPointwise.apply(proj + h @ w_hh_t, c)
    return hc[0, ...], hc[1, ...]


def gru_step(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """``h'`` from ``gi = x W_ih^T + b_ih`` and the previous ``h``."""
    return GRUPointwise.apply(gi, F.linear(h, w_hh, b_hh), h)


def project(x: Tensor, w_ih: Tensor, b_ih: Tensor | None, b_hh: Tensor | None) -> Tensor:
    """``x W_ih^T + b_ih + b_hh`` (RNN, LSTM: both biases fold into the input side)."""
    out = x @ w_ih.T
    if b_ih is not None and b_hh is not None:  # made together
        out = out + (b_ih + b_hh)
    return out


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None, nonlinearity: str = "tanh") -> Tensor:
    """One Elman step: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""
    return rnn_step(project(x, w_ih, b_ih, b_hh), h, w_hh.T, nonlinearity)


def lstm_cell(x: Tensor, hx: Sequence[Tensor], w_ih: Tensor, w_hh: Tensor,
              b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """One LSTM step: returns ``(h', c')`` from ``x`` and ``hx = (h, c)``."""
    h, c = hx
    return lstm_step(project(x, w_ih, b_ih, b_hh), h, c, w_hh.T)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None) -> Tensor:
    """One GRU step (gates r, z, n as PyTorch): returns ``h'``.

    >>> import graphgrad as gg
    >>> from graphgrad.nn.layers.rnn_cells import gru_cell
    >>> gru_cell(gg.ones((2, 3)), gg.zeros((2, 4)), gg.ones((12, 3)), gg.ones((12, 4))).shape
    (2, 4)
    """
    return gru_step(F.linear(x, w_ih, b_ih), h, w_hh, b_hh)


# ------------------------------------------------------------------ cell modules
def uniform_parameter(shape: tuple[int, ...], bound: float) -> Parameter:
    """A float32 Parameter drawn from U(-bound, bound) (PyTorch's recurrent init).

    Drawn on the host by the seeded generator (``gg.manual_seed``); a module made on the
    CPU moves to a device with ``Module.to``.
    """
    data = autograd.generator().uniform(-bound, bound, shape)
    return Parameter(data.astype(autograd.float32))


class _CellBase(Module):
    _gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__()
        op = type(self).__name__
        input_size = positive_int("input_size", input_size, op)
        hidden_size = positive_int("hidden_size", hidden_size, op)
        self.input_size, self.hidden_size = input_size, hidden_size
        bound = 1.0 / math.sqrt(hidden_size)
        rows = self._gates * hidden_size
        self.weight_ih = uniform_parameter((rows, input_size), bound)
        self.weight_hh = uniform_parameter((rows, hidden_size), bound)
        if bias:
            self.bias_ih = uniform_parameter((rows,), bound)
            self.bias_hh = uniform_parameter((rows,), bound)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)

    def _inputs(self, x: Tensor,
                states: Sequence[Tensor | None]) -> tuple[Tensor, list[Tensor], bool]:
        """Check ``x``; unbatched (input_size,) becomes (1, input_size); zero states for None.

        Returns ``(x, states, unbatched)``.
        """
        op = type(self).__name__
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ShapeError(f"{op}: input of shape {x.shape} is not (batch, {self.input_size}) "
                             f"or unbatched ({self.input_size},)")
        unbatched = x.ndim == 1
        if unbatched:
            x = x.unsqueeze(0)
        expected = (x.shape[0], self.hidden_size)
        filled = []
        for state in states:
            if state is None:
                state = autograd.zeros(*expected, dtype=x.dtype, device=x.device)
            elif unbatched:
                state = state.unsqueeze(0)
            if tuple(state.shape) != expected:
                raise ShapeError(f"{op}: state of shape {state.shape} should be "
                                 f"{expected[1:] if unbatched else expected}")
            filled.append(state)
        return x, filled, unbatched

    def extra_repr(self) -> str:
        """The sizes, ``bias=False`` and a non-tanh nonlinearity when set (PyTorch's
        format).

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.LSTMCell(3, 5), nn.RNNCell(3, 5, bias=False, nonlinearity="relu")
        (LSTMCell(3, 5), RNNCell(3, 5, bias=False, nonlinearity=relu))
        """
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias_ih is None:
            text += ", bias=False"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        return text + ("" if nonlinearity == "tanh" else f", nonlinearity={nonlinearity}")


class RNNCell(_CellBase):
    """One RNN step on (batch, input_size) or (input_size,): returns the next h.

    ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (``nonlinearity="relu"``: relu);
    ``weight_ih`` is (hidden, input), ``weight_hh`` (hidden, hidden). Loop over time
    yourself, or use :class:`RNN`.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> cell = nn.RNNCell(3, 5)
    >>> h = cell(gg.zeros(4, 3))  # h starts at zeros
    >>> cell(gg.zeros(4, 3), h).shape, cell.weight_ih.shape
    ((4, 5), (5, 3))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh") -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: nonlinearity {nonlinearity!r} must be 'tanh' or 'relu'")
        super().__init__(input_size, hidden_size, bias)
        self.nonlinearity = nonlinearity

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        """``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (``h`` zeros when None);
        calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> cell = nn.RNNCell(1, 1, bias=False)
        >>> with gg.no_grad():
        ...     _ = cell.weight_ih.fill_(1.0), cell.weight_hh.fill_(0.5)
        >>> h = cell.forward(gg.tensor([[1.0]]))  # tanh(1)
        >>> h.detach().round(4), cell.forward(gg.tensor([[0.0]]), h).detach().round(4)
        (Tensor([[0.7616]], dtype=float32), Tensor([[0.3634]], dtype=float32))
        """
        x, (h,), unbatched = self._inputs(x, (h,))
        out = rnn_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh,
                       self.nonlinearity)
        return out.squeeze(0) if unbatched else out


class LSTMCell(_CellBase):
    """One LSTM step on (batch, input_size) or (input_size,): returns ``(h', c')``.

    Gates i, f, g, o (PyTorch's row order in ``weight_ih`` (4 hidden, input) and
    ``weight_hh`` (4 hidden, hidden)): ``c' = f * c + i * g``, ``h' = o * tanh(c')``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> cell = nn.LSTMCell(3, 5)
    >>> h, c = cell(gg.zeros(4, 3))  # (h, c) start at zeros
    >>> h.shape, c.shape, cell.weight_ih.shape
    ((4, 5), (4, 5), (20, 3))
    """

    _gates = 4

    def forward(self, x: Tensor,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """``(h', c')`` from ``x`` and ``hx = (h, c)`` (zeros when None); calling the
        module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> cell = nn.LSTMCell(2, 3)
        >>> with gg.no_grad():  # all gates sigmoid(0) = 0.5, g = tanh(0) = 0
        ...     _ = [p.fill_(0.0) for p in cell.parameters()]
        >>> h, c = cell.forward(gg.ones(1, 2), (gg.zeros(1, 3), gg.ones(1, 3)))
        >>> c.detach()  # c' = f * c + i * g = 0.5 * 1
        Tensor([[0.5, 0.5, 0.5]], dtype=float32)
        >>> h.detach().round(4)  # h' = o * tanh(c') = 0.5 * tanh(0.5)
        Tensor([[0.2311, 0.2311, 0.2311]], dtype=float32)
        """
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError("LSTMCell: hx must be a pair (h, c)")
        x, states, unbatched = self._inputs(x, (None, None) if hx is None else hx)
        h, c = lstm_cell(x, states, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(_CellBase):
    """One GRU step on (batch, input_size) or (input_size,): returns the next h.

    Parameters ``weight_ih`` (3 hidden, input), ``weight_hh`` (3 hidden, hidden),
    ``bias_ih``, ``bias_hh`` (3 hidden,), gate rows in PyTorch's order r, z, n.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.GRUCell(3, 5)(gg.randn(2, 3)).shape
    (2, 5)
    """

    _gates = 3

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        """``h' = (1 - z) n + z h`` from ``x`` and ``h`` (zeros when None).

        Calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> cell = nn.GRUCell(2, 3)
        >>> with gg.no_grad():  # r = z = sigmoid(0) = 0.5, n = tanh(0) = 0
        ...     _ = [p.fill_(0.0) for p in cell.parameters()]
        >>> cell.forward(gg.ones(1, 2), gg.full((1, 3), 0.8)).detach()  # h' = 0.5 * h
        Tensor([[0.4, 0.4, 0.4]], dtype=float32)
        """
        x, (h,), unbatched = self._inputs(x, (h,))
        out = gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return out.squeeze(0) if unbatched else out
