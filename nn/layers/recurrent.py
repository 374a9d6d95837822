"""Recurrent layers: ``RNN`` (tanh or relu), ``LSTM`` and ``GRU``, stacked, optionally
bidirectional, on padded tensors or ``PackedSequence`` (variable lengths).

On a padded tensor each layer and direction is ONE graph node
(``RecurrentSequence``, see ``rnn_fused``: the time loop on arrays, hand-written
BPTT). Packed sequences and LSTM ``proj_size`` unroll the recurrence on the
dynamic graph one step at a time, so ``backward()`` there is backpropagation
through time with no special machinery; the input projection of ALL time steps
is still one matmul on the (steps * batch, input) matrix. Parameter names
(``weight_ih_l0``, ``weight_hh_l1_reverse``, ``weight_hr_l0`` with ``proj_size``),
shapes, gate orders and the uniform(+-1/sqrt(hidden_size)) init are PyTorch's,
so its state_dict loads.

A layer runs on a flat (total, features) array with a batch size per step:
a padded input has ``batch`` rows at every step; a ``PackedSequence`` (sorted by
decreasing length) has fewer rows at later steps, so a sequence's final state
is its state at its own last step and nothing is computed on padding.
"""
import itertools
import math
import warnings
from typing import Any, overload

from ... import autograd
from ...autograd import ShapeError, Tensor
from .. import functional as F
from .._validate import non_negative_int, positive_int, probability
from ..module import Module
from ..utils.rnn import PackedSequence
from .rnn_cells import (  # noqa: F401 - re-exported: the step rules and cells live there
    GRUCell,
    GRUPointwise,
    LSTMCell,
    LSTMPointwise,
    RNNCell,
    gru_cell,
    gru_step,
    lstm_cell,
    lstm_step,
    project,
    rnn_cell,
    rnn_step,
    uniform_parameter,
)
from .rnn_fused import RecurrentSequence

__all__ = ["GRUCell", "GRUPointwise", "LSTMCell", "LSTMPointwise", "RNNCell", "gru_cell",
    "gru_step", "lstm_cell", "lstm_step", "project", "rnn_cell", "rnn_step", "uniform_parameter",
    "RNN", "LSTM", "GRU"]


def _steps(batch_sizes, total_steps, batch):
    """(offset, rows) of each time step in the flat layout."""
    sizes = [batch] * total_steps if batch_sizes is None else [int(b) for b in batch_sizes]
    offsets = itertools.accumulate(sizes[:-1], initial=0)
    return list(zip(offsets, sizes))


class _RNNBase(Module):
    """Parameters, checks and the layer-by-layer, direction-by-direction forward."""

    _gates = 1
    _states = 1  # h, or (h, c) for LSTM
    # NOTE: False records the per-step graph (the reference the fused node is tested against)
    _fused = True

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0) -> None:
        super().__init__()
        op = type(self).__name__
        input_size = positive_int("input_size", input_size, op)
        hidden_size = positive_int("hidden_size", hidden_size, op)
        num_layers = positive_int("num_layers", num_layers, op)
        dropout = probability("dropout", dropout, op)  # [0, 1], as PyTorch
        proj_size = non_negative_int("proj_size", proj_size, op)
        if dropout and num_layers == 1:
            warnings.warn(f"{op}: dropout is applied between layers, so dropout={dropout} with "
                          "num_layers=1 has no effect (as PyTorch)", stacklevel=3)
        if proj_size >= hidden_size:
            raise ValueError(f"{op}: proj_size ({proj_size}) has to be smaller than "
                             f"hidden_size ({hidden_size})")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, dropout
        self.bidirectional, self.proj_size = bool(bidirectional), proj_size
        self.num_directions = 2 if bidirectional else 1
        out_size = proj_size or hidden_size
        bound = 1.0 / math.sqrt(hidden_size)
        rows = self._gates * hidden_size
        for k in range(num_layers):
            inputs = input_size if k == 0 else out_size * self.num_directions
            for suffix in ("", "_reverse")[:self.num_directions]:
                setattr(self, f"weight_ih_l{k}{suffix}", uniform_parameter((rows, inputs), bound))
                setattr(self, f"weight_hh_l{k}{suffix}",
                        uniform_parameter((rows, out_size), bound))
                if bias:
                    setattr(self, f"bias_ih_l{k}{suffix}", uniform_parameter((rows,), bound))
                    setattr(self, f"bias_hh_l{k}{suffix}", uniform_parameter((rows,), bound))
                if proj_size:
                    setattr(self, f"weight_hr_l{k}{suffix}",
                            uniform_parameter((proj_size, hidden_size), bound))

    def _layer_parameters(self, k, suffix=""):
        get = self._parameters.get
        return tuple(get(f"{name}_l{k}{suffix}")
                     for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"))

    def _state_sizes(self):
        return (self.proj_size or self.hidden_size, self.hidden_size)[:self._states]

    # ---------------------------------------------------------------- checks
    def _check_input(self, x):
        name = type(self).__name__
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input of shape {x.shape} is not (seq, batch, "
                             f"{self.input_size}){' with batch_first' * self.batch_first} "
                             f"or unbatched (seq, {self.input_size})")
        time_axis = 1 if self.batch_first and x.ndim == 3 else 0
        if x.shape[time_axis] == 0:
            raise ShapeError(f"{name}: input of shape {x.shape} has a sequence length of 0; "
                             "a recurrence needs at least one step (as PyTorch)")

    def _initial_states(self, hx, batch, dtype, device, unbatched):
        """The initial states, each (num_layers * num_directions, batch, size)."""
        name = type(self).__name__
        layers = self.num_layers * self.num_directions
        sizes = self._state_sizes()
        if hx is None:
            return [autograd.zeros(layers, batch, size, dtype=dtype, device=device)
                    for size in sizes]
        if self._states == 2:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"{name}: hx must be a pair (h_0, c_0)")
            states = list(hx)
        else:
            states = [hx]
        if unbatched:
            states = [s.unsqueeze(1) if s.ndim == 2 else s for s in states]
        for state, size, what in zip(states, sizes, ("h_0", "c_0")):
            expected = (layers, batch, size)
            if tuple(state.shape) != expected:
                batch_text = "" if unbatched else ", batch"
                raise ShapeError(f"{name}: {what} of shape {state.shape} should be "
                                 f"{expected[:1] + expected[2:] if unbatched else expected} "
                                 f"(num_layers * num_directions{batch_text}, {size})")
        return states

    # ---------------------------------------------------------------- forward
    # NOTE: the output has the input's kind (a Tensor or a PackedSequence); the second item
    # is h_n, or (h_n, c_n) for LSTM. The implementation takes input: Any because its body
    # switches on a flag (packed), which mypy does not narrow through.
    @overload
    def forward(self, input: Tensor,  # noqa: A002
                hx: Tensor | tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Any]: ...
    @overload
    def forward(self, input: PackedSequence,  # noqa: A002
                hx: Tensor | tuple[Tensor, Tensor] | None = None
                ) -> tuple[PackedSequence, Any]: ...

    def forward(self, input: Any,  # noqa: A002 - PyTorch's name
                hx: Tensor | tuple[Tensor, Tensor] | None = None) -> tuple[Any, Any]:
        """Run the stacked recurrence; returns ``(output, h_n)`` (LSTM: ``(h_n, c_n)``).

        Calling the module runs this. ``output`` holds the last layer's ``h`` at every step;
        ``h_n`` every layer's ``h`` at the last step. ``hx`` (zeros when None) is ``h_0``,
        or ``(h_0, c_0)`` for LSTM; a ``PackedSequence`` input gives a packed output.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> rnn = nn.RNN(2, 4, num_layers=3)
        >>> output, h_n = rnn.forward(gg.randn(5, 1, 2))  # 5 steps, batch 1
        >>> output.shape, h_n.shape
        ((5, 1, 4), (3, 1, 4))
        >>> bool((output[-1] == h_n[-1]).all())  # the last layer at the last step
        True
        """
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes = input.data, input.batch_sizes
            if data.ndim != 2 or data.shape[-1] != self.input_size:
                raise ShapeError(f"{type(self).__name__}: packed data of shape {data.shape} "
                                 f"should be (total, {self.input_size})")
            batch, unbatched = int(batch_sizes[0]), False
            schedule = _steps(batch_sizes, len(batch_sizes), batch)
        else:
            self._check_input(input)
            unbatched = input.ndim == 2
            x = input.unsqueeze(1) if unbatched else input
            x = x.swapaxes(0, 1) if self.batch_first and not unbatched else x
            steps, batch = x.shape[0], x.shape[1]
            data = x.reshape((steps * batch, self.input_size))
            schedule = _steps(None, steps, batch)
        states = self._initial_states(hx, batch, data.dtype, data.device, unbatched)
        if packed and input.sorted_indices is not None:
            states = [s[:, input.sorted_indices] for s in states]
        # one RecurrentSequence node per layer and direction; packed sequences (rows
        # leave the batch as sequences end) and proj_size record the steps one by one
        fused = self._fused and not packed and not self.proj_size
        run = self._run_fused if fused else self._run_direction
        finals = []
        for k in range(self.num_layers):
            outputs = []
            for d, suffix in enumerate(("", "_reverse")[:self.num_directions]):
                index = k * self.num_directions + d
                out, final = run(data, schedule, self._layer_parameters(k, suffix),
                                 [s[index, ...] for s in states], reverse=d == 1)
                outputs.append(out)
                finals.append(final)
            data = outputs[0] if len(outputs) == 1 else autograd.concatenate(outputs, axis=-1)
            if self.dropout and self.training and k < self.num_layers - 1:
                data = F.dropout(data, self.dropout)
        final = [autograd.stack([f[i] for f in finals], axis=0) for i in range(self._states)]
        if packed:
            if input.unsorted_indices is not None:
                final = [s[:, input.unsorted_indices] for s in final]
            output = PackedSequence(data, batch_sizes, input.sorted_indices,
                                    input.unsorted_indices)
        else:
            output = data.reshape((steps, batch, data.shape[-1]))
            if unbatched:
                output, final = output.squeeze(1), [s.squeeze(1) for s in final]
            elif self.batch_first:
                output = output.swapaxes(0, 1)
        return output, (final[0] if self._states == 1 else tuple(final))

    def _run_fused(self, data, schedule, params, state, reverse):
        """``_run_direction`` for a padded sequence, as one ``RecurrentSequence`` node."""
        w_ih, w_hh, b_ih, b_hh, _ = params
        steps, rows = len(schedule), data.shape[0]
        lstm = self._states == 2
        y = RecurrentSequence.apply(data, state[0], state[1] if lstm else None, w_ih, w_hh,
                                    b_ih, b_hh, cell=self._cell, steps=steps, reverse=reverse)
        out = y[:rows] if lstm else y
        batch = rows // steps
        h = out[:batch] if reverse else out[rows - batch:]
        return out, ((h, y[rows:]) if lstm else (h,))

    def _run_direction(self, data, schedule, params, state, reverse):
        """One layer in one direction over the flat ``data``; returns (outputs, final)."""
        proj = self._input_projection(data, params)
        prepared = self._prepare(params)
        initial, rows = state, schedule[-1][1] if reverse else schedule[0][1]
        state = [s[:rows] if s.shape[0] != rows else s for s in state]
        outputs, done = [None] * len(schedule), []
        for t in (reversed(range(len(schedule))) if reverse else range(len(schedule))):
            offset, size = schedule[t]
            if size < rows:  # forward direction: sequences rows[size:] ended at step t - 1
                done.append([s[size:] for s in state])
                state = [s[:size] for s in state]
            elif size > rows:  # reverse direction: sequences start at their last step
                state = [autograd.concatenate([s, s0[rows:size]]) for s, s0 in
                         zip(state, initial)]
            rows = size
            step_in = proj if len(schedule) == 1 else proj[offset:offset + size]
            state = self._step(step_in, state, prepared)
            outputs[t] = state[0] if self._states == 1 or not self.proj_size else state[0]
        done.append(state)
        final = tuple(s if len(done) == 1 else autograd.concatenate([p[i] for p in
                                                                     reversed(done)])
                      for i, s in enumerate(state))
        output = outputs[0] if len(outputs) == 1 else autograd.concatenate(outputs)
        return output, final

    def extra_repr(self) -> str:
        """The sizes, then the options that differ from their defaults (PyTorch's format).

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.GRU(3, 4, num_layers=2, dropout=0.5), nn.LSTM(3, 4, proj_size=2, batch_first=True)
        (GRU(3, 4, num_layers=2, dropout=0.5), LSTM(3, 4, proj_size=2, batch_first=True))
        """
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        return text + (", bidirectional=True" if self.bidirectional else "")


class RNN(_RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``, stacked.

    Returns ``(output, h_n)``: ``output`` (seq, batch, num_directions * hidden)
    (batch first with ``batch_first=True``; a ``PackedSequence`` for packed
    input) holds the last layer's ``h_t``, both directions concatenated;
    ``h_n`` (num_layers * num_directions, batch, hidden) each layer's and
    direction's final ``h`` (the reverse direction's is its state at step 0).
    ``dropout`` is applied to each layer's output but the last while training.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> rnn = nn.RNN(10, 20, num_layers=2, bidirectional=True)
    >>> output, h_n = rnn(gg.randn(5, 3, 10))
    >>> output.shape, h_n.shape
    ((5, 3, 40), (4, 3, 20))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity {nonlinearity!r} must be 'tanh' or 'relu'")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional)
        self.nonlinearity = nonlinearity

    @property
    def _cell(self):
        return f"rnn_{self.nonlinearity}"

    def _input_projection(self, data, params):
        return project(data, params[0], params[2], params[3])

    def _prepare(self, params):
        return params[1].T  # W_hh^T once per sequence, not once per step

    def _step(self, proj, state, w_hh_t):
        return [rnn_step(proj, state[0], w_hh_t, self.nonlinearity)]


class LSTM(_RNNBase):
    """Long short-term memory, gates i, f, g, o (PyTorch's order and names).

    Returns ``(output, (h_n, c_n))``, shaped as for :class:`RNN`; ``hx=(h_0, c_0)``
    is optional (zeros). With ``proj_size > 0`` each step's ``h`` is projected,
    ``h = W_hr (o * tanh(c))``, so ``h`` and ``output`` have ``proj_size`` features
    (``weight_hr_l{k}``: (proj_size, hidden_size)), ``c`` keeps ``hidden_size``.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> lstm = nn.LSTM(8, 16, batch_first=True, proj_size=4)
    >>> output, (h_n, c_n) = lstm(gg.randn(4, 12, 8))
    >>> output.shape, h_n.shape, c_n.shape
    ((4, 12, 4), (1, 4, 4), (1, 4, 16))
    """

    _gates = 4
    _states = 2
    _cell = "lstm"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0) -> None:
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size)

    def _input_projection(self, data, params):
        return project(data, params[0], params[2], params[3])

    def _prepare(self, params):
        return params[1].T, (None if params[4] is None else params[4].T)

    def _step(self, proj, state, prepared):
        w_hh_t, w_hr_t = prepared
        h, c = lstm_step(proj, state[0], state[1], w_hh_t)
        return [h if w_hr_t is None else h @ w_hr_t, c]


class GRU(_RNNBase):
    """Gated recurrent unit, gates r, z, n (PyTorch's order, names and equations).

    ``r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)``, ``z`` likewise,
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) * n + z * h``.
    Arguments, inputs and outputs as :class:`RNN`.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> gru = nn.GRU(8, 16, num_layers=2, batch_first=True, bidirectional=True)
    >>> output, h_n = gru(gg.randn(4, 12, 8))
    >>> output.shape, h_n.shape
    ((4, 12, 32), (4, 4, 16))
    """

    _gates = 3
    _cell = "gru"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False) -> None:
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional)

    def _input_projection(self, data, params):
        return F.linear(data, params[0], params[2])

    def _prepare(self, params):
        return params[1], params[3]

    def _step(self, proj, state, prepared):
        return [gru_step(proj, state[0], *prepared)]
