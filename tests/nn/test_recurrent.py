"""RNN and LSTM: cells and whole sequences against numpy loops, gradcheck (BPTT through
every step, initial states, every parameter), PyTorch names and an optional torch check."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphgrad import autograd
from graphgrad.autograd import ShapeError, Tensor
from graphgrad.autograd.testing import gradcheck
from graphgrad.nn.layers.recurrent import LSTM, RNN, LSTMCell, RNNCell, lstm_cell, rnn_cell


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def ref_step(kind, x, h, c, w_ih, w_hh, b_ih, b_hh):
    """One step of the published equations, in numpy (b = 0 when the layer has no bias)."""
    pre = x @ w_ih.T + h @ w_hh.T + (0.0 if b_ih is None else b_ih + b_hh)
    if kind == "rnn":
        return np.tanh(pre), None
    n = h.shape[-1]
    i, f, g, o = (pre[:, k * n:(k + 1) * n] for k in range(4))
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


def ref_sequence(kind, module, x, h0, c0):
    """The stacked recurrence with explicit loops over layers and time steps."""
    layer_input = x
    h_n, c_n = [], []
    for k in range(module.num_layers):
        params = [None if p is None else p.data for p in module._layer_parameters(k)]
        h, c = h0[k], None if c0 is None else c0[k]
        outputs = []
        for t in range(x.shape[0]):
            h, c = ref_step(kind, layer_input[t], h, c, *params)
            outputs.append(h)
        layer_input = np.stack(outputs)
        h_n.append(h)
        c_n.append(c)
    return layer_input, np.stack(h_n), None if c0 is None else np.stack(c_n)


@st.composite
def sequence_cases(draw):
    return dict(steps=draw(st.integers(1, 4)), batch=draw(st.integers(1, 3)),
                input_size=draw(st.integers(1, 3)), hidden=draw(st.integers(1, 3)),
                layers=draw(st.integers(1, 2)), bias=draw(st.booleans()),
                batch_first=draw(st.booleans()), given_state=draw(st.booleans()),
                seed=draw(st.integers(0, 2**31)))


def build(kind, case):
    autograd.manual_seed(case["seed"])
    cls = RNN if kind == "rnn" else LSTM
    module = cls(case["input_size"], case["hidden"], num_layers=case["layers"], bias=case["bias"],
                 batch_first=case["batch_first"]).double()
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal((case["steps"], case["batch"], case["input_size"]))
    state_shape = (case["layers"], case["batch"], case["hidden"])
    h0 = rng.standard_normal(state_shape) if case["given_state"] else np.zeros(state_shape)
    c0 = None if kind == "rnn" else (rng.standard_normal(state_shape) if case["given_state"]
                                     else np.zeros(state_shape))
    return module, x, h0, c0


def run(kind, module, x, h0, c0, batch_first, given_state):
    xin = x.swapaxes(0, 1) if batch_first else x
    if not given_state:
        return module(xin)
    return module(xin, h0 if kind == "rnn" else (h0, c0))


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
@given(case=sequence_cases())
def test_sequence_forward_matches_loops(kind, case):
    module, x, h0, c0 = build(kind, case)
    output, state = run(kind, module, Tensor(x), Tensor(h0), None if c0 is None else Tensor(c0),
                        case["batch_first"], case["given_state"])
    expected_out, expected_h, expected_c = ref_sequence(kind, module, x, h0, c0)
    if case["batch_first"]:
        expected_out = expected_out.swapaxes(0, 1)
    np.testing.assert_allclose(output.data, expected_out, rtol=1e-10, atol=1e-12)
    h_n = state if kind == "rnn" else state[0]
    np.testing.assert_allclose(h_n.data, expected_h, rtol=1e-10, atol=1e-12)
    if kind == "lstm":
        np.testing.assert_allclose(state[1].data, expected_c, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
@given(case=sequence_cases())
def test_sequence_gradcheck_through_time(kind, case):
    module, x, h0, c0 = build(kind, case)
    inputs = [Tensor(x, requires_grad=True), Tensor(h0, requires_grad=True)]
    if kind == "lstm":
        inputs.append(Tensor(c0, requires_grad=True))
    inputs += list(module.parameters())

    def outputs(x, h0, *rest):
        c0 = rest[0] if kind == "lstm" else None
        output, state = run(kind, module, x, h0, c0, case["batch_first"], True)
        return (output,) + (state if kind == "lstm" else (state,))

    gradcheck(outputs, tuple(inputs))


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**31))
def test_cells_match_the_equations_and_gradcheck(batch, input_size, hidden, seed):
    rng = np.random.default_rng(seed)
    x, h, c = (rng.standard_normal(s) for s in ((batch, input_size), (batch, hidden),
                                                 (batch, hidden)))
    for kind, gates in (("rnn", 1), ("lstm", 4)):
        params = [rng.standard_normal(s) for s in ((gates * hidden, input_size),
                                                   (gates * hidden, hidden), (gates * hidden,),
                                                   (gates * hidden,))]
        expected = ref_step(kind, x, h, c, *params)
        tensors = [Tensor(a, requires_grad=True) for a in [x, h, c] + params]
        if kind == "rnn":
            rnn_inputs = tuple(t for i, t in enumerate(tensors) if i != 2)  # no cell state
            np.testing.assert_allclose(rnn_cell(*rnn_inputs).data, expected[0], rtol=1e-12)
            gradcheck(rnn_cell, rnn_inputs)
        else:
            def fn(x, h, c, *p):
                return lstm_cell(x, (h, c), *p)
            new_h, new_c = fn(*tensors)
            np.testing.assert_allclose(new_h.data, expected[0], rtol=1e-12)
            np.testing.assert_allclose(new_c.data, expected[1], rtol=1e-12)
            gradcheck(fn, tuple(tensors))


def test_pytorch_names_shapes_and_init_bounds():
    lstm = LSTM(3, 5, num_layers=2)
    expected = []
    for k, inputs in ((0, 3), (1, 5)):
        expected += [(f"weight_ih_l{k}", (20, inputs)), (f"weight_hh_l{k}", (20, 5)),
                     (f"bias_ih_l{k}", (20,)), (f"bias_hh_l{k}", (20,))]
    assert [(n, p.shape) for n, p in lstm.named_parameters()] == expected
    assert all(np.abs(p.data).max() <= 1 / np.sqrt(5) for p in lstm.parameters())
    assert [n for n, _ in RNN(3, 4, bias=False).named_parameters()] == ["weight_ih_l0",
                                                                       "weight_hh_l0"]
    assert [n for n, _ in LSTMCell(2, 3).named_parameters()] == ["weight_ih", "weight_hh",
                                                                 "bias_ih", "bias_hh"]
    assert RNNCell(2, 3)(autograd.randn(4, 2)).shape == (4, 3)


def test_unbatched_input_and_shapes():
    lstm = LSTM(3, 4, num_layers=2)
    output, (h_n, c_n) = lstm(autograd.randn(6, 3))
    assert output.shape == (6, 4) and h_n.shape == (2, 4) and c_n.shape == (2, 4)
    rnn = RNN(3, 4, batch_first=True)
    output, h_n = rnn(autograd.randn(2, 7, 3))
    assert output.shape == (2, 7, 4) and h_n.shape == (1, 2, 4)
    np.testing.assert_array_equal(output.data[:, -1], h_n.data[0])


def test_errors_name_the_expected_shapes():
    lstm = LSTM(3, 4)
    with pytest.raises(ShapeError, match=r"\(seq, batch, 3\)"):
        lstm(autograd.randn(5, 2, 4))
    with pytest.raises(ShapeError, match=r"\(1, 2, 4\)"):
        lstm(autograd.randn(5, 2, 3), (autograd.zeros(1, 3, 4), autograd.zeros(1, 2, 4)))
    with pytest.raises(TypeError, match="pair"):
        lstm(autograd.randn(5, 2, 3), autograd.zeros(1, 2, 4))
    with pytest.raises(ValueError, match="nonlinearity"):
        RNN(3, 4, nonlinearity="sigmoid")


@pytest.mark.parametrize("kind", ["RNN", "LSTM"])
def test_matches_torch_when_installed(kind):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(3, 5, num_layers=2, batch_first=True).double()
    ours = (RNN if kind == "RNN" else LSTM)(3, 5, num_layers=2, batch_first=True).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((2, 6, 3))
    tx, ax = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
    t_out, _ = theirs(tx)
    a_out, _ = ours(ax)
    np.testing.assert_allclose(a_out.data, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    (t_out ** 2).sum().backward()
    (a_out ** 2).sum().backward()
    np.testing.assert_allclose(ax.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(getattr(ours, name).grad.data, p.grad.numpy(), rtol=1e-9,
                                   atol=1e-12)


@given(st.integers(1, 3), st.integers(1, 3), st.integers(0, 2 ** 16))
def test_fused_lstm_pointwise_first_and_second_order(batch, hidden, seed):
    from graphgrad.autograd.testing import gradgradcheck
    from graphgrad.nn.layers.recurrent import LSTMPointwise

    rng = np.random.default_rng(seed)
    z = Tensor(rng.standard_normal((batch, 4 * hidden)), requires_grad=True)
    c = Tensor(rng.standard_normal((batch, hidden)), requires_grad=True)
    assert gradcheck(LSTMPointwise.apply, (z, c))
    assert gradgradcheck(LSTMPointwise.apply, (z, c))
