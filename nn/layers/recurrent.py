"""Recurrent layers: ``RNN`` (tanh or relu), ``LSTM`` and their single-step cells.

The recurrence is unrolled on the dynamic graph, one step at a time, so
``backward()`` is backpropagation through time with no special machinery.
Per layer, the input projection of ALL time steps is one matmul
(``x @ W_ih^T + b_ih + b_hh`` on a (T*B, input) matrix); each step then adds
only ``h @ W_hh^T``. Parameter names, shapes, gate order (i, f, g, o) and
the uniform(+-1/sqrt(hidden_size)) init are PyTorch's, so its state_dict loads.
"""
import numpy as np

from ... import autograd
from ...autograd import ShapeError
from .._validate import positive_int, probability
from ..module import Module, Parameter


# ------------------------------------------------------------------ steps
def _rnn_step(proj, h, w_hh_t, nonlinearity):
    pre = proj + h @ w_hh_t
    return pre.tanh() if nonlinearity == "tanh" else pre.relu()


def _lstm_step(proj, h, c, w_hh_t):
    """One LSTM step from the input projection: gates i, f, g, o as PyTorch.

    ``w_hh_t`` is ``W_hh`` transposed once per sequence rather than once per step.
    """
    hc = LSTMPointwise.apply(proj + h @ w_hh_t, c)
    return hc[0], hc[1]


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
    def forward(ctx, z, c):
        ctx.save_for_backward(z, c)
        i, f, g, o = _gate_activations(z)
        c_new = f * c + i * g
        tanh_c = np.tanh(c_new)
        ctx.acts = (i, f, g, o, tanh_c)
        return np.stack([o * tanh_c, c_new])

    @staticmethod
    def backward(ctx, grad):
        z, c = ctx.saved_tensors
        if isinstance(z, np.ndarray):
            i, f, g, o, tanh_c = ctx.acts
            join = np.concatenate
        else:  # create_graph: recompute from z and c so the rule stays differentiable
            i, f, g, o = _gate_activations(z)
            tanh_c = (f * c + i * g).tanh()
            join = autograd.concatenate
        grad_h, grad_c = grad[0], grad[1]
        grad_c = grad_c + grad_h * o * (1 - tanh_c * tanh_c)
        grad_z = join([grad_c * g * i * (1 - i), grad_c * c * f * (1 - f),
                       grad_c * i * (1 - g * g), grad_h * tanh_c * o * (1 - o)], axis=-1)
        return grad_z, grad_c * f


def _gate_activations(z):
    """``sigmoid(z_i), sigmoid(z_f), tanh(z_g), sigmoid(z_o)`` of arrays or Tensors."""
    n = z.shape[-1] // 4
    if isinstance(z, np.ndarray):
        # NOTE: one sigmoid over all of z (contiguous) beats three over strided quarters.
        s = autograd.sigmoid(z).data
        return s[..., :n], s[..., n:2 * n], np.tanh(z[..., 2 * n:3 * n]), s[..., 3 * n:]
    parts = [z[..., k * n:(k + 1) * n] for k in range(4)]
    return parts[0].sigmoid(), parts[1].sigmoid(), parts[2].tanh(), parts[3].sigmoid()


def _project(x, w_ih, b_ih, b_hh):
    out = x @ w_ih.T
    if b_ih is not None:
        out = out + (b_ih + b_hh)
    return out


def rnn_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """One Elman step: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""
    return _rnn_step(_project(x, w_ih, b_ih, b_hh), h, w_hh.T, nonlinearity)


def lstm_cell(x, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step: returns ``(h', c')`` from ``x`` and ``hx = (h, c)``."""
    h, c = hx
    return _lstm_step(_project(x, w_ih, b_ih, b_hh), h, c, w_hh.T)


# ------------------------------------------------------------------ modules
def _uniform(shape, bound):
    data = autograd.random.generator().uniform(-bound, bound, shape)
    return Parameter(data.astype(np.float32))


class _RNNBase(Module):
    """Parameters and the layer-by-layer unrolled forward shared by RNN and LSTM."""

    _gates = 1

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False):
        super().__init__()
        if bidirectional:
            raise NotImplementedError(f"{type(self).__name__}: bidirectional is not supported")
        op = type(self).__name__
        input_size = positive_int("input_size", input_size, op)
        hidden_size = positive_int("hidden_size", hidden_size, op)
        num_layers = positive_int("num_layers", num_layers, op)
        dropout = probability("dropout", dropout, op)  # [0, 1], as PyTorch
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, dropout
        bound = 1.0 / np.sqrt(hidden_size)
        rows = self._gates * hidden_size
        for k in range(num_layers):
            inputs = input_size if k == 0 else hidden_size
            setattr(self, f"weight_ih_l{k}", _uniform((rows, inputs), bound))
            setattr(self, f"weight_hh_l{k}", _uniform((rows, hidden_size), bound))
            if bias:
                setattr(self, f"bias_ih_l{k}", _uniform((rows,), bound))
                setattr(self, f"bias_hh_l{k}", _uniform((rows,), bound))

    def _layer_parameters(self, k):
        get = self._parameters.get
        return (get(f"weight_ih_l{k}"), get(f"weight_hh_l{k}"), get(f"bias_ih_l{k}"),
                get(f"bias_hh_l{k}"))

    def _check_input(self, x):
        name = type(self).__name__
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input of shape {x.shape} is not (seq, batch, "
                             f"{self.input_size}){' with batch_first' * self.batch_first} "
                             f"or unbatched (seq, {self.input_size})")

    def _check_state(self, state, batch, what):
        expected = (self.num_layers, batch, self.hidden_size)
        if tuple(state.shape) != expected:
            raise ShapeError(f"{type(self).__name__}: {what} of shape {state.shape} should be "
                             f"{expected} (num_layers, batch, hidden_size)")

    def forward(self, x, hx=None):
        self._check_input(x)
        unbatched = x.ndim == 2
        if unbatched:
            x = x.unsqueeze(1)
            hx = None if hx is None else self._unsqueeze_state(hx)
        elif self.batch_first:
            x = x.swapaxes(0, 1)
        steps, batch = x.shape[0], x.shape[1]
        states = self._initial_states(hx, batch, x.dtype)
        finals = []
        for k in range(self.num_layers):
            w_ih, w_hh, b_ih, b_hh = self._layer_parameters(k)
            proj = _project(x.reshape(steps * batch, x.shape[2]), w_ih, b_ih, b_hh)
            proj = proj.reshape(steps, batch, -1)
            outputs, final = self._run_layer(proj, w_hh.T, [s[k] for s in states])
            finals.append(final)
            x = autograd.stack(outputs, axis=0)
            if self.dropout and self.training and k < self.num_layers - 1:
                from ..functional import dropout
                x = dropout(x, self.dropout)
        output = x.swapaxes(0, 1) if self.batch_first and not unbatched else x
        final = tuple(autograd.stack([f[i] for f in finals], axis=0)
                      for i in range(len(states)))
        if unbatched:
            output = output.squeeze(1)
            final = tuple(f.squeeze(1) for f in final)
        return output, self._pack_state(final)

    def _initial_states(self, hx, batch, dtype):
        raise NotImplementedError

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.batch_first:
            text += ", batch_first=True"
        return text + ("" if self.bias else ", bias=False")


class RNN(_RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``, stacked.

    Returns ``(output, h_n)``: ``output`` (seq, batch, hidden) (batch first with
    ``batch_first=True``) holds the last layer's ``h_t``; ``h_n``
    (num_layers, batch, hidden) each layer's last ``h``.

    Example
    -------
    >>> rnn = RNN(10, 20, num_layers=2)
    >>> output, h_n = rnn(autograd.randn(5, 3, 10))
    >>> output.shape, h_n.shape
    ((5, 3, 20), (2, 3, 20))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity {nonlinearity!r} must be 'tanh' or 'relu'")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional)
        self.nonlinearity = nonlinearity

    def _initial_states(self, hx, batch, dtype):
        if hx is None:
            return [autograd.zeros(self.num_layers, batch, self.hidden_size, dtype=dtype)]
        self._check_state(hx, batch, "h_0")
        return [hx]

    def _unsqueeze_state(self, hx):
        return hx.unsqueeze(1)

    def _run_layer(self, proj, w_hh_t, state):
        (h,) = state
        outputs = []
        for t in range(proj.shape[0]):
            h = _rnn_step(proj[t], h, w_hh_t, self.nonlinearity)
            outputs.append(h)
        return outputs, (h,)

    def _pack_state(self, final):
        return final[0]


class LSTM(_RNNBase):
    """Long short-term memory, gates i, f, g, o (PyTorch's order and names).

    Returns ``(output, (h_n, c_n))``, shaped as for ``RNN``; ``hx=(h_0, c_0)``
    is optional (zeros).

    Example
    -------
    >>> lstm = LSTM(8, 16, batch_first=True)
    >>> output, (h_n, c_n) = lstm(autograd.randn(4, 12, 8))
    >>> output.shape, c_n.shape
    ((4, 12, 16), (1, 4, 16))
    """

    _gates = 4

    def _initial_states(self, hx, batch, dtype):
        if hx is None:
            zeros = autograd.zeros(self.num_layers, batch, self.hidden_size, dtype=dtype)
            return [zeros, zeros]
        if not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise TypeError("LSTM: hx must be a pair (h_0, c_0)")
        self._check_state(hx[0], batch, "h_0")
        self._check_state(hx[1], batch, "c_0")
        return list(hx)

    def _unsqueeze_state(self, hx):
        return tuple(s.unsqueeze(1) for s in hx)

    def _run_layer(self, proj, w_hh_t, state):
        h, c = state
        outputs = []
        for t in range(proj.shape[0]):
            h, c = _lstm_step(proj[t], h, c, w_hh_t)
            outputs.append(h)
        return outputs, (h, c)

    def _pack_state(self, final):
        return final


class _CellBase(Module):
    _gates = 1

    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        op = type(self).__name__
        input_size = positive_int("input_size", input_size, op)
        hidden_size = positive_int("hidden_size", hidden_size, op)
        self.input_size, self.hidden_size = input_size, hidden_size
        bound = 1.0 / np.sqrt(hidden_size)
        rows = self._gates * hidden_size
        self.weight_ih = _uniform((rows, input_size), bound)
        self.weight_hh = _uniform((rows, hidden_size), bound)
        if bias:
            self.bias_ih = _uniform((rows,), bound)
            self.bias_hh = _uniform((rows,), bound)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)

    def _zeros(self, x):
        return autograd.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}"


class RNNCell(_CellBase):
    """One RNN step on (batch, input_size): returns the next h (batch, hidden_size)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh"):
        super().__init__(input_size, hidden_size, bias)
        self.nonlinearity = nonlinearity

    def forward(self, x, h=None):
        h = self._zeros(x) if h is None else h
        return rnn_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh,
                        self.nonlinearity)


class LSTMCell(_CellBase):
    """One LSTM step on (batch, input_size): returns ``(h', c')``."""

    _gates = 4

    def forward(self, x, hx=None):
        hx = (self._zeros(x), self._zeros(x)) if hx is None else hx
        return lstm_cell(x, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
