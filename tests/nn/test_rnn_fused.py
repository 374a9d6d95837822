"""The fused recurrent node (one RecurrentSequence per layer and direction) against the
per-step graph it replaces: gradcheck of the node itself (initial states, bias on and off,
both directions), equal values and gradients of whole layers on both paths, torch on copied
weights, second order through the differentiable fallback, and where the layers fall back."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphgrad import autograd
from graphgrad.autograd import Tensor
from graphgrad.autograd.testing import gradcheck, gradgradcheck
from graphgrad.nn.layers.recurrent import GRU, LSTM, RNN
from graphgrad.nn.layers.rnn_fused import RecurrentSequence, _step_graph
from graphgrad.nn.utils.rnn import pack_padded_sequence

CELLS = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}
LAYERS = {"lstm": (LSTM, {}), "gru": (GRU, {}), "rnn_tanh": (RNN, {}),
          "rnn_relu": (RNN, {"nonlinearity": "relu"})}


def node_inputs(cell, steps, batch, n_in, hidden, bias, seed):
    """float64 inputs of RecurrentSequence, every one requiring grad (c0 only for LSTM)."""
    rng = np.random.default_rng(seed)
    gates = CELLS[cell] * hidden

    def leaf(*shape):
        return Tensor(rng.standard_normal(shape) * 0.7, requires_grad=True)

    return (leaf(steps * batch, n_in), leaf(batch, hidden),
            leaf(batch, hidden) if cell == "lstm" else None, leaf(gates, n_in),
            leaf(gates, hidden), leaf(gates) if bias else None, leaf(gates) if bias else None)


def fused_fn(cell, steps, reverse):
    def fn(*args):
        return RecurrentSequence.apply(*args, cell=cell, steps=steps, reverse=reverse)
    return fn


@pytest.mark.parametrize("cell", list(CELLS))
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.booleans(), st.booleans(),
       st.integers(0, 2**16))
def test_node_gradcheck_incl_initial_states(cell, steps, batch, hidden, bias, reverse, seed):
    args = node_inputs(cell, steps, batch, 2, hidden, bias, seed)
    assert gradcheck(fused_fn(cell, steps, reverse), args)


@pytest.mark.parametrize("cell", list(CELLS))
@given(st.integers(1, 3), st.integers(1, 3), st.booleans(), st.booleans(),
       st.integers(0, 2**16))
def test_node_equals_the_per_step_graph(cell, steps, batch, bias, reverse, seed):
    """Same values and the same gradient for all seven inputs as the cell ops step by step."""
    args = node_inputs(cell, steps, batch, 3, 2, bias, seed)
    fused = fused_fn(cell, steps, reverse)(*args)
    reference = _step_graph(cell, *args, steps, reverse)
    np.testing.assert_allclose(fused.data, reference.data, rtol=1e-13, atol=1e-14)
    weight = Tensor(np.random.default_rng(seed + 1).standard_normal(fused.shape))
    live = [a for a in args if a is not None]
    got = autograd.grad((fused * weight).sum(), live)
    expected = autograd.grad((reference * weight).sum(), live)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g.data, e.data, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("cell", list(CELLS))
@given(st.integers(1, 3), st.integers(1, 2), st.booleans(), st.booleans(),
       st.integers(0, 2**16))
def test_node_second_order_through_the_fallback(cell, steps, batch, bias, reverse, seed):
    args = node_inputs(cell, steps, batch, 2, 2, bias, seed)
    assert gradgradcheck(fused_fn(cell, steps, reverse), args)


def layer_pair(cell, seed, **kwargs):
    """The same float64 layer twice: fused (the default) and per-step (``_fused = False``)."""
    cls, extra = LAYERS[cell]
    autograd.manual_seed(seed)
    fused = cls(3, 4, **extra, **kwargs).double()
    autograd.manual_seed(seed)
    per_step = cls(3, 4, **extra, **kwargs).double()
    per_step._fused = False
    return fused, per_step


def run_layer(layer, x, state, seed):
    autograd.manual_seed(seed)  # the same dropout masks on both paths
    inputs = [Tensor(x, requires_grad=True)] + [Tensor(s, requires_grad=True) for s in state]
    hx = (tuple(inputs[1:]) if len(state) == 2 else inputs[1]) if state else None
    output, final = layer(inputs[0], hx)
    finals = final if isinstance(final, tuple) else (final,)
    loss = (output ** 2).sum() + sum((f * f * f).sum() for f in finals)
    loss.backward()
    nodes = {type(v.grad_fn).__name__ for v in autograd.toposort([loss]) if v.grad_fn}
    grads = [i.grad.data for i in inputs] + [p.grad.data for p in layer.parameters()]
    return [output.data] + [f.data for f in finals], grads, nodes


@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("kwargs", [
    {}, {"bias": False}, {"batch_first": True}, {"bidirectional": True},
    {"num_layers": 3, "bidirectional": True, "batch_first": True},
    {"num_layers": 2, "dropout": 0.5}], ids=str)
@pytest.mark.parametrize("given_state", [False, True])
def test_layers_equal_the_per_step_path(cell, kwargs, given_state):
    """Outputs, final states and every gradient (input, h0/c0, all parameters) agree."""
    fused, per_step = layer_pair(cell, 3, **kwargs)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 5, 3))
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    state = [rng.standard_normal((layers, 5, 4))
             for _ in range(2 if cell == "lstm" else 1)] if given_state else []
    if kwargs.get("batch_first"):
        x = x.swapaxes(0, 1)
    values, grads, nodes = run_layer(fused, x, state, 9)
    ref_values, ref_grads, ref_nodes = run_layer(per_step, x, state, 9)
    assert "RecurrentSequence" in nodes and "RecurrentSequence" not in ref_nodes
    for got, expected in zip(values + grads, ref_values + ref_grads):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("cell", list(CELLS))
def test_layers_match_torch_on_the_fused_path(cell):
    """torch on copied weights (2 layers, bidirectional, h0): outputs and all gradients."""
    torch = pytest.importorskip("torch")
    cls, extra = LAYERS[cell]
    torch.manual_seed(0)
    theirs = getattr(torch.nn, cls.__name__)(3, 4, num_layers=2, bidirectional=True,
                                             **extra).double()
    ours = cls(3, 4, num_layers=2, bidirectional=True, **extra).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(2)
    x, h0, c0 = (rng.standard_normal(s) for s in ((6, 3, 3), (4, 3, 4), (4, 3, 4)))
    tx, th, tc = (torch.tensor(a, requires_grad=True) for a in (x, h0, c0))
    ax, ah, ac = (Tensor(a, requires_grad=True) for a in (x, h0, c0))
    t_out, t_final = theirs(tx, (th, tc) if cell == "lstm" else th)
    a_out, a_final = ours(ax, (ah, ac) if cell == "lstm" else ah)
    assert any(type(v.grad_fn).__name__ == "RecurrentSequence"
               for v in autograd.toposort([a_out]) if v.grad_fn)
    t_finals = t_final if cell == "lstm" else (t_final,)
    a_finals = a_final if cell == "lstm" else (a_final,)
    ((t_out ** 2).sum() + sum((f ** 3).sum() for f in t_finals)).backward()
    ((a_out ** 2).sum() + sum((f ** 3).sum() for f in a_finals)).backward()
    np.testing.assert_allclose(a_out.data, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    for a, t in zip(a_finals, t_finals):
        np.testing.assert_allclose(a.data, t.detach().numpy(), rtol=1e-10, atol=1e-12)
    pairs = [(ax, tx), (ah, th)] + ([(ac, tc)] if cell == "lstm" else [])
    pairs += [(getattr(ours, name), p) for name, p in theirs.named_parameters()]
    for a, t in pairs:
        np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_layer_second_order_equals_the_per_step_path(cell):
    """create_graph through a whole layer: a gradient-norm penalty's gradients agree."""
    results = []
    for layer in layer_pair(cell, 4, num_layers=2, bidirectional=True):
        x = Tensor(np.random.default_rng(6).standard_normal((3, 2, 3)), requires_grad=True)
        output, _ = layer(x)
        params = list(layer.parameters())
        grads = autograd.grad((output ** 2).sum(), [x] + params, create_graph=True)
        penalty = sum((g * g).sum() for g in grads)
        results.append([g.data for g in autograd.grad(penalty, [x] + params)])
    for got, expected in zip(*results):
        np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-12)


def test_backward_twice_with_retain_graph_gives_the_same_gradients():
    """The node's saved buffers are not consumed or changed by a first backward."""
    args = node_inputs("lstm", 3, 2, 2, 3, True, 0)
    out = fused_fn("lstm", 3, False)(*args)
    first = autograd.grad(out.sum(), args[0], retain_graph=True)[0].data.copy()
    second = autograd.grad(out.sum(), args[0])[0].data
    np.testing.assert_array_equal(first, second)


def test_packed_input_and_proj_size_take_the_per_step_path():
    """Rows leave a packed batch as sequences end, and proj_size projects every step:
    neither has a fused form, so no RecurrentSequence node is recorded for them."""
    x = Tensor(np.random.default_rng(0).standard_normal((4, 3, 3)), requires_grad=True)
    packed = pack_padded_sequence(x, [4, 2, 1])
    for layer, arg in ((LSTM(3, 4).double(), packed), (LSTM(3, 4, proj_size=2).double(), x),
                       (GRU(3, 4).double(), packed)):
        output, _ = layer(arg)
        data = output if isinstance(output, Tensor) else output.data
        names = {type(v.grad_fn).__name__ for v in autograd.toposort([data]) if v.grad_fn}
        assert "RecurrentSequence" not in names and names


def test_float32_layer_keeps_float32():
    lstm = LSTM(3, 4)
    output, (h, c) = lstm(autograd.randn(5, 2, 3))
    assert output.dtype == h.dtype == c.dtype == np.float32
    output.sum().backward()
    assert all(p.grad.dtype == np.float32 for p in lstm.parameters())
