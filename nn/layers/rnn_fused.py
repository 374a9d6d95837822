"""Fused recurrent sequences: one graph node per layer and direction.

``RecurrentSequence.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, cell=..., steps=T,
reverse=...)`` runs a whole padded sequence on arrays instead of recording a few
nodes per time step: one GEMM projects the input of every step up front, each
step then does one hidden GEMM and its pointwise gates in preallocated buffers,
and backward is hand-written backpropagation through time whose weight
gradients are one GEMM over all steps.

Layout: ``x`` is the flat (steps * batch, input) matrix in time order, ``h0``
(and ``c0`` for LSTM) are (batch, hidden). The result is the flat
(steps * batch, hidden) output (every step's ``h``, time order), with the LSTM's
final ``c`` appended as ``batch`` more rows. ``reverse=True`` reads the sequence
from its end (the second direction of a bidirectional layer).

Second order: when backward itself is recorded (``create_graph=True``), the
rule rebuilds the per-step graph of ``rnn_cells`` on the node's inputs and
backpropagates through those steps only, so the gradient stays differentiable.
"""
from typing import Any

import numpy as np

from ... import autograd
from ...autograd import backend
from .. import functional as F
from .rnn_cells import gru_step, lstm_step, project, rnn_step

__all__ = ["RecurrentSequence"]

# NOTE: every buffer is allocated with the input's namespace on its device, and the in-place
# updates are ``into`` (numpy's ``out=``, an assignment elsewhere) and in-place operators,
# which the array API standard has; indices name every axis (``hs[s, ...]``), as it requires.
into = backend.into


def _sigmoid_(a):
    """``1 / (1 + e^-a)`` in place: the four passes of autograd's own sigmoid."""
    xp = backend.namespace(a)
    into(a, xp.negative, a)
    with backend.errstate(a, over="ignore"):
        into(a, xp.exp, a)
    a += 1
    into(a, xp.divide, 1.0, a)


def _in_order(flat, steps, reverse):
    """A (steps * batch, n) matrix as (steps, batch, n) in processing order (a view)."""
    blocks = backend.namespace(flat).reshape(flat, (steps, -1, flat.shape[-1]))
    return blocks[::-1, ...] if reverse else blocks


def _time_output(hs, steps, reverse, extra=None):
    """The flat time-ordered output from the processing-ordered states ``hs[1:]``."""
    batch, hidden = hs.shape[1:]
    rows = steps * batch
    xp = backend.namespace(hs)
    out = xp.empty((rows + (0 if extra is None else batch), hidden), dtype=hs.dtype,
                   device=hs.device)
    _in_order(out[:rows, ...], steps, reverse)[...] = hs[1:, ...]
    if extra is not None:
        out[rows:, ...] = extra
    return out


def _reusable_like(array, shape=None):
    """An uninitialized work buffer of ``array``'s dtype (recycled: see backend)."""
    return backend.reusable_empty(array.shape if shape is None else shape, array.dtype, array)


def _project(x, w_ih, bias):
    """``x W_ih^T + bias`` for all steps at once: one GEMM, the bias added in place."""
    out = into(_reusable_like(x, (x.shape[0], w_ih.shape[0])), backend.namespace(x).matmul,
               x, w_ih.mT)
    if bias is not None:
        out += bias
    return out


def _input_grads(d, x, w_ih, steps, reverse, needs_x, needs_w):
    """``dx = d W_ih``, ``dW_ih = d^T x`` from the processing-ordered gate grads ``d``."""
    d = backend.namespace(d).reshape(d[::-1, ...] if reverse else d, (x.shape[0], -1))
    return (d @ w_ih if needs_x else None), (d.mT @ x if needs_w else None)


# ------------------------------------------------------------------ Elman RNN
def _rnn_forward(x, h0, w_ih, w_hh, bias, steps, reverse, relu):
    """``h_t = act(x_t W_ih^T + b + h_{t-1} W_hh^T)``; returns (output, states)."""
    xp = backend.namespace(x)
    pre = _in_order(_project(x, w_ih, bias), steps, reverse)
    hs = xp.empty((steps + 1,) + h0.shape, dtype=pre.dtype, device=pre.device)
    hs[0, ...] = h0
    w_hh_t = backend.contiguous(w_hh.mT)  # NOTE: BLAS is ~25% faster on a C-ordered B
    for s in range(steps):
        h = hs[s + 1, ...]
        into(h, xp.matmul, hs[s, ...], w_hh_t)
        h += pre[s, ...]
        if relu:
            into(h, xp.maximum, h, 0.0)
        else:
            into(h, xp.tanh, h)
    return _time_output(hs, steps, reverse), [hs]


def _rnn_backward(dy, hs, w_hh, relu):
    """BPTT of the Elman step; returns (pre-activation grads, grad of h0)."""
    xp = backend.namespace(hs)
    h = hs[1:, ...]
    # the activation's derivative for all steps at once; the loop only chains it
    dpre = xp.astype(h > 0, h.dtype) if relu else 1 - h * h
    dh = xp.zeros_like(hs[0, ...])
    for s in reversed(range(dpre.shape[0])):
        dh += dy[s, ...]
        d = dpre[s, ...]
        d *= dh
        into(dh, xp.matmul, d, w_hh)
    return dpre, dh


# ------------------------------------------------------------------ LSTM
def _lstm_forward(x, h0, c0, w_ih, w_hh, bias, steps, reverse):
    """Gates i, f, g, o; ``c' = f c + i g``, ``h' = o tanh(c')``."""
    xp = backend.namespace(x)
    # the input projection's buffer becomes the gates' (i, f, g, o after their nonlinearities)
    acts = _in_order(_project(x, w_ih, bias), steps, reverse)
    n = h0.shape[-1]
    # NOTE: the state buffers are recycled once this node lets go of them (after backward)
    hs = _reusable_like(acts, (steps + 1,) + h0.shape)
    cs = _reusable_like(hs)
    hs[0, ...], cs[0, ...] = h0, c0
    tanh_c = _reusable_like(hs[1:, ...])
    g_tmp = xp.empty_like(hs[0, ...])
    hidden = xp.empty_like(acts[0, ...])
    w_hh_t = backend.contiguous(w_hh.mT)  # NOTE: BLAS is faster on a C-ordered operand
    for s in range(steps):
        a = acts[s, ...]
        into(hidden, xp.matmul, hs[s, ...], w_hh_t)
        a += hidden
        # NOTE: one sigmoid over the whole contiguous row beats three on strided quarters
        into(g_tmp, xp.tanh, a[:, 2 * n:3 * n])
        _sigmoid_(a)
        a[:, 2 * n:3 * n] = g_tmp
        c = cs[s + 1, ...]
        into(c, xp.multiply, a[:, n:2 * n], cs[s, ...])
        g_tmp *= a[:, :n]
        c += g_tmp
        into(tanh_c[s, ...], xp.tanh, c)
        into(hs[s + 1, ...], xp.multiply, a[:, 3 * n:], tanh_c[s, ...])
    return _time_output(hs, steps, reverse, cs[steps, ...]), [hs, cs, acts, tanh_c]


def _lstm_backward(dy, dc, hs, cs, acts, tanh_c, w_hh):
    """BPTT of the LSTM step; returns (gate pre-activation grads, grad h0, grad c0)."""
    xp = backend.namespace(hs)
    n = hs.shape[-1]
    i, f, g, o = (acts[..., k * n:(k + 1) * n] for k in range(4))
    # NOTE: the factors that do not depend on the incoming gradient are taken for all steps
    # at once; the loop keeps only the recurrence (a few ops and one GEMM per step).
    dz = _reusable_like(acts)  # the factors, then (times dc or dh) the gates' gradients
    di, df, dg, do = (dz[..., k * n:(k + 1) * n] for k in range(4))
    into(di, xp.subtract, 1, i)  # d/dz_i = dc g i (1 - i)
    di *= i
    di *= g
    into(df, xp.subtract, 1, f)  # d/dz_f = dc c f (1 - f)
    df *= f
    df *= cs[:-1, ...]
    into(dg, xp.multiply, g, g)  # d/dz_g = dc i (1 - g^2)
    into(dg, xp.subtract, 1, dg)
    dg *= i
    into(do, xp.subtract, 1, o)  # d/dz_o = dh tanh(c) o (1 - o)
    do *= o
    do *= tanh_c
    dc_dh = into(_reusable_like(tanh_c), xp.multiply, tanh_c, tanh_c)  # dc' gains
    # dh o (1 - tanh(c')^2)
    into(dc_dh, xp.subtract, 1, dc_dh)
    dc_dh *= o
    ifg = xp.reshape(dz, dz.shape[:2] + (4, n))[:, :, :3, :]
    dh = xp.zeros_like(hs[0, ...])
    dc = xp.astype(dc, hs.dtype, copy=True)
    tmp = xp.empty_like(dh)
    for s in reversed(range(dz.shape[0])):
        dh += dy[s, ...]
        into(tmp, xp.multiply, dh, dc_dh[s, ...])
        dc += tmp
        ifg[s, ...] *= dc[:, None, :]
        do[s, ...] *= dh
        dc *= f[s, ...]
        into(dh, xp.matmul, dz[s, ...], w_hh)
    return dz, dh, dc


# ------------------------------------------------------------------ GRU
def _gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, steps, reverse):
    """``r, z = sigmoid(gi + gh)``, ``n = tanh(gi_n + r gh_n)``, ``h' = n + z (h - n)``."""
    xp = backend.namespace(x)
    acts = _in_order(_project(x, w_ih, b_ih), steps, reverse)  # gi, then r, z, n in place
    n = h0.shape[-1]
    hs = xp.empty((steps + 1,) + h0.shape, dtype=acts.dtype, device=acts.device)
    hs[0, ...] = h0
    gh_n = xp.empty_like(hs[1:, ...])  # W_hn h + b_hn, which r multiplies
    gh = xp.empty_like(acts[0, ...])
    w_hh_t = backend.contiguous(w_hh.mT)  # NOTE: BLAS is faster on a C-ordered operand
    for s in range(steps):
        into(gh, xp.matmul, hs[s, ...], w_hh_t)
        if b_hh is not None:
            gh += b_hh
        a = acts[s, ...]
        rz, new = a[:, :2 * n], a[:, 2 * n:]
        rz += gh[:, :2 * n]
        _sigmoid_(rz)
        gh_n[s, ...] = gh[:, 2 * n:]
        into(gh[:, 2 * n:], xp.multiply, a[:, :n], gh_n[s, ...])
        new += gh[:, 2 * n:]
        into(new, xp.tanh, new)
        h = hs[s + 1, ...]
        into(h, xp.subtract, hs[s, ...], new)
        h *= a[:, n:2 * n]
        h += new
    return _time_output(hs, steps, reverse), [hs, acts, gh_n]


def _gru_backward(dy, hs, acts, gh_n, w_hh):
    """BPTT of the GRU step; returns (grads of gi, grads of gh, grad h0)."""
    xp = backend.namespace(hs)
    n = hs.shape[-1]
    r, z, new = (acts[..., k * n:(k + 1) * n] for k in range(3))
    # NOTE: as in _lstm_backward, the factors for all steps at once:
    # d/dgi = dh' [k_r, k_z, k_n] and d/dgh = dh' [k_r, k_z, k_n r]
    dgi = xp.empty_like(acts)
    k_r, k_z, k_n = (dgi[..., k * n:(k + 1) * n] for k in range(3))
    into(k_n, xp.multiply, new, new)  # k_n = (1 - z) (1 - n^2)
    into(k_n, xp.subtract, 1, k_n)
    k_n *= 1 - z
    into(k_r, xp.subtract, 1, r)  # k_r = k_n gh_n r (1 - r)
    k_r *= r
    k_r *= gh_n
    k_r *= k_n
    into(k_z, xp.subtract, 1, z)  # k_z = (h - n) z (1 - z)
    k_z *= z
    k_z *= hs[:-1, ...] - new
    dgh = xp.asarray(dgi, copy=True)
    dgh[..., 2 * n:] *= r
    dgh_gates = xp.reshape(dgh, dgh.shape[:2] + (3, n))
    dhs = xp.empty_like(hs[1:, ...])  # dh' of every step
    dh = xp.zeros_like(hs[0, ...])
    tmp = xp.empty_like(dh)
    for s in reversed(range(acts.shape[0])):
        dh += dy[s, ...]
        dhs[s, ...] = dh
        dgh_gates[s, ...] *= dh[:, None, :]
        dh *= z[s, ...]
        into(tmp, xp.matmul, dgh[s, ...], w_hh)
        dh += tmp
    dgi_gates = xp.reshape(dgi, dgh_gates.shape)
    dgi_gates *= dhs[:, :, None, :]
    return dgi, dgh, dh


# ------------------------------------------------------------------ the node
def _run_forward(cell, x, h0, c0, w_ih, w_hh, b_ih, b_hh, steps, reverse):
    # one dtype for every buffer: the one the per-step graph's ops would promote to
    xp = backend.namespace(x)
    arrays = (x, h0, c0, w_ih, w_hh, b_ih, b_hh)
    dtype = xp.result_type(*[a for a in arrays if a is not None])
    x, h0, c0, w_ih, w_hh, b_ih, b_hh = (None if a is None else xp.astype(a, dtype, copy=False)
                                         for a in arrays)
    if cell == "gru":
        return _gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, steps, reverse)
    bias = None if b_ih is None else b_ih + b_hh
    if cell == "lstm":
        return _lstm_forward(x, h0, c0, w_ih, w_hh, bias, steps, reverse)
    return _rnn_forward(x, h0, w_ih, w_hh, bias, steps, reverse, cell == "rnn_relu")


def _run_backward(ctx, grad, x, w_ih, w_hh, state):
    """The gradients of all seven inputs from the first-order BPTT of ``ctx.cell``."""
    xp = backend.namespace(x)
    steps, reverse, cell = ctx.steps, ctx.reverse, ctx.cell
    need_x, need_h0, need_c0, need_w_ih, need_w_hh, need_b_ih, need_b_hh = ctx.needs_input_grad
    hs = state[0]
    rows = steps * hs.shape[1]
    dy = _in_order(grad[:rows, ...], steps, reverse)
    grad_c0 = None
    if cell == "gru":
        d_in, d_hid, grad_h0 = _gru_backward(dy, *state, w_hh)
    elif cell == "lstm":
        d_in, grad_h0, grad_c0 = _lstm_backward(dy, grad[rows:, ...], *state, w_hh)
        d_hid = d_in
    else:
        d_in, grad_h0 = _rnn_backward(dy, hs, w_hh, cell == "rnn_relu")
        d_hid = d_in
    grad_x, grad_w_ih = _input_grads(d_in, x, w_ih, steps, reverse, need_x, need_w_ih)
    flat_hid = xp.reshape(d_hid, (rows, -1))
    grad_w_hh = flat_hid.mT @ xp.reshape(hs[:-1, ...], (rows, -1)) if need_w_hh else None
    grad_b_ih = xp.sum(d_in, axis=(0, 1)) if need_b_ih else None
    grad_b_hh = xp.sum(flat_hid, axis=0) if need_b_hh else None
    return grad_x, grad_h0, grad_c0, grad_w_ih, grad_w_hh, grad_b_ih, grad_b_hh


def _step_graph(cell, x, h0, c0, w_ih, w_hh, b_ih, b_hh, steps, reverse):
    """The same result as ``RecurrentSequence`` recorded step by step with the cell ops."""
    batch = h0.shape[0]
    if cell == "gru":
        proj = F.linear(x, w_ih, b_ih)
    else:
        proj, w_hh_t = project(x, w_ih, b_ih, b_hh), w_hh.T
    h, c, outputs = h0, c0, [None] * steps
    for t in (reversed(range(steps)) if reverse else range(steps)):
        step_in = proj[t * batch:(t + 1) * batch]
        if cell == "lstm":
            h, c = lstm_step(step_in, h, c, w_hh_t)
        elif cell == "gru":
            h = gru_step(step_in, h, w_hh, b_hh)
        else:
            h = rnn_step(step_in, h, w_hh_t, "relu" if cell == "rnn_relu" else "tanh")
        outputs[t] = h
    return autograd.concatenate(outputs + ([c] if cell == "lstm" else []))


def _backward_within(root, grad, inputs):
    """Send ``grad`` from ``root`` back to ``inputs`` through the ops between them only.

    ``autograd.grad`` would walk on into the inputs' own history (running its
    rules and hooks); this Kahn loop stops at ``inputs``. Grad mode decides, as
    in backward, whether the rules are recorded; the steps' saved values are kept,
    since a recorded rule's graph reaches back into them. An input given twice gets its
    gradient once (the engine sums per position).
    """
    stop = {id(v) for v in inputs if v is not None}
    consumers = {root: 0}
    stack = [root.grad_fn]
    while stack:
        node = stack.pop()
        for parent, needed in zip(node.parents, node.needs_input_grad):
            if needed:
                if parent in consumers:
                    consumers[parent] += 1
                else:
                    consumers[parent] = 1
                    if id(parent) not in stop and parent.grad_fn is not None:
                        stack.append(parent.grad_fn)
    grads, found, ready = {root: grad}, {}, [root]
    while ready:
        value = ready.pop()
        grad = grads.pop(value, None)
        if id(value) in stop or value.grad_fn is None:
            found[id(value)] = grad
            continue
        node = value.grad_fn
        # NOTE: retain_graph: a recorded rule's graph reaches back into these steps' values
        parent_grads = (autograd.backward_step(node, grad, retain_graph=True) if grad is not None
                        else (None,) * len(node.parents))
        for parent, parent_grad, needed in zip(node.parents, parent_grads,
                                               node.needs_input_grad):
            if needed:
                if parent_grad is not None:
                    grads[parent] = (parent_grad if parent not in grads
                                     else grads[parent] + parent_grad)
                consumers[parent] -= 1
                if not consumers[parent]:
                    ready.append(parent)
    return tuple(None if v is None else found.pop(id(v), None) for v in inputs)


class RecurrentSequence(autograd.Function):
    """A whole recurrent layer in one direction as one node (see the module docstring).

    ``cell`` is ``"lstm"``, ``"gru"``, ``"rnn_tanh"`` or ``"rnn_relu"``;
    ``b_ih``/``b_hh`` (and ``c0`` outside LSTM) may be None. The gradient of
    every input is the per-step graph's (a test pins them), computed by BPTT
    on arrays, or through that per-step graph when backward is recorded.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad.nn.layers.rnn_fused import RecurrentSequence
    >>> x, h0 = gg.randn(6, 3), gg.zeros(2, 4)
    >>> w_ih, w_hh = gg.randn(4, 3, requires_grad=True), gg.randn(4, 4, requires_grad=True)
    >>> RecurrentSequence.apply(x, h0, None, w_ih, w_hh, None, None, cell="rnn_tanh",
    ...                         steps=3, reverse=False).shape
    (6, 4)
    """

    op_name = "recurrent_sequence"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, h0: np.ndarray, c0: np.ndarray | None,
                w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray | None,
                b_hh: np.ndarray | None, *, cell: str, steps: int,
                reverse: bool) -> np.ndarray:
        ctx.cell, ctx.steps, ctx.reverse = cell, steps, reverse
        out, state = _run_forward(cell, x, h0, c0, w_ih, w_hh, b_ih, b_hh, steps, reverse)
        # NOTE: the buffers in ``state`` are this node's own (never handed out), so they
        # ride in a list that the read-only locking of saved arrays skips.
        ctx.save_for_backward(x, w_ih, w_hh, state)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, ...]:
        if autograd.is_grad_enabled():  # create_graph: differentiate the per-step graph
            values = ctx.parents
            x, h0, c0, w_ih, w_hh, b_ih, b_hh = values  # unpacked: mypy lets *values fill all
            root = _step_graph(ctx.cell, x, h0, c0, w_ih, w_hh, b_ih, b_hh, ctx.steps, ctx.reverse)
            return _backward_within(root, grad, values)
        x, w_ih, w_hh, state = ctx.saved_tensors
        grad = grad.data if autograd.is_value(grad) else grad
        return _run_backward(ctx, grad, x, w_ih, w_hh, state)
