"""RNN, LSTM and GRU: cells and whole sequences (stacked, bidirectional, LSTM proj_size)
against numpy loops, gradcheck (BPTT through every step, initial states, every parameter),
PyTorch names, packed sequences, and torch itself when installed."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphgrad import autograd
from graphgrad.autograd import ShapeError, Tensor
from graphgrad.autograd.testing import gradcheck
from graphgrad.nn.layers.recurrent import (
    GRU,
    LSTM,
    RNN,
    GRUCell,
    LSTMCell,
    RNNCell,
    gru_cell,
    lstm_cell,
    rnn_cell,
)

CLASSES = {"rnn": RNN, "lstm": LSTM, "gru": GRU}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def ref_step(kind, x, h, c, w_ih, w_hh, b_ih, b_hh, w_hr=None):
    """One step of the published equations, in numpy (b = 0 when the layer has no bias)."""
    b_ih = 0.0 if b_ih is None else b_ih
    b_hh = 0.0 if b_hh is None else b_hh
    if kind == "gru":
        gi, gh = x @ w_ih.T + b_ih, h @ w_hh.T + b_hh
        n = w_hh.shape[1]
        r = sigmoid(gi[:, :n] + gh[:, :n])
        z = sigmoid(gi[:, n:2 * n] + gh[:, n:2 * n])
        new = np.tanh(gi[:, 2 * n:] + r * gh[:, 2 * n:])
        return (1 - z) * new + z * h, None
    pre = x @ w_ih.T + h @ w_hh.T + b_ih + b_hh
    if kind == "rnn":
        return np.tanh(pre), None
    n = pre.shape[-1] // 4
    i, f, g, o = (pre[:, k * n:(k + 1) * n] for k in range(4))
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    h = sigmoid(o) * np.tanh(c)
    return (h if w_hr is None else h @ w_hr.T), c


def ref_sequence(kind, module, x, h0, c0):
    """The stacked (bi)directional recurrence with explicit loops over layers, directions
    and time steps; the reverse direction reads the sequence from its end."""
    layer_input = x
    h_n, c_n = [], []
    dirs = 2 if module.bidirectional else 1
    for k in range(module.num_layers):
        outputs = []
        for d, suffix in enumerate(("", "_reverse")[:dirs]):
            params = [None if p is None else p.data for p in module._layer_parameters(k, suffix)]
            h, c = h0[k * dirs + d], None if c0 is None else c0[k * dirs + d]
            out = [None] * x.shape[0]
            for t in (reversed(range(x.shape[0])) if d else range(x.shape[0])):
                h, c = ref_step(kind, layer_input[t], h, c, *params)
                out[t] = h
            outputs.append(np.stack(out))
            h_n.append(h)
            c_n.append(c)
        layer_input = np.concatenate(outputs, axis=-1)
    return layer_input, np.stack(h_n), None if c0 is None else np.stack(c_n)


@st.composite
def sequence_cases(draw):
    hidden = draw(st.integers(1, 3))
    return dict(steps=draw(st.integers(1, 4)), batch=draw(st.integers(1, 3)),
                input_size=draw(st.integers(1, 3)), hidden=hidden,
                layers=draw(st.integers(1, 2)), bias=draw(st.booleans()),
                batch_first=draw(st.booleans()), given_state=draw(st.booleans()),
                bidirectional=draw(st.booleans()), proj=draw(st.integers(0, hidden - 1)),
                seed=draw(st.integers(0, 2**31)))


def build(kind, case):
    autograd.manual_seed(case["seed"])
    extra = {"proj_size": case["proj"]} if kind == "lstm" else {}
    module = CLASSES[kind](case["input_size"], case["hidden"], num_layers=case["layers"],
                           bias=case["bias"], batch_first=case["batch_first"],
                           bidirectional=case["bidirectional"], **extra).double()
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal((case["steps"], case["batch"], case["input_size"]))
    layers = case["layers"] * (2 if case["bidirectional"] else 1)
    h_size = case["proj"] if kind == "lstm" and case["proj"] else case["hidden"]

    def state(size):
        shape = (layers, case["batch"], size)
        return rng.standard_normal(shape) if case["given_state"] else np.zeros(shape)

    return module, x, state(h_size), (state(case["hidden"]) if kind == "lstm" else None)


def run(kind, module, x, h0, c0, batch_first, given_state):
    xin = x.swapaxes(0, 1) if batch_first else x
    if not given_state:
        return module(xin)
    return module(xin, (h0, c0) if kind == "lstm" else h0)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@given(case=sequence_cases())
def test_sequence_forward_matches_loops(kind, case):
    module, x, h0, c0 = build(kind, case)
    output, state = run(kind, module, Tensor(x), Tensor(h0), None if c0 is None else Tensor(c0),
                        case["batch_first"], case["given_state"])
    expected_out, expected_h, expected_c = ref_sequence(kind, module, x, h0, c0)
    if case["batch_first"]:
        expected_out = expected_out.swapaxes(0, 1)
    np.testing.assert_allclose(output.data, expected_out, rtol=1e-10, atol=1e-12)
    h_n = state[0] if kind == "lstm" else state
    np.testing.assert_allclose(h_n.data, expected_h, rtol=1e-10, atol=1e-12)
    if kind == "lstm":
        np.testing.assert_allclose(state[1].data, expected_c, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
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


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**31))
def test_cells_match_the_equations_and_gradcheck(kind, batch, input_size, hidden, seed):
    rng = np.random.default_rng(seed)
    x, h, c = (rng.standard_normal(s) for s in ((batch, input_size), (batch, hidden),
                                                 (batch, hidden)))
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    params = [rng.standard_normal(s) for s in ((gates * hidden, input_size),
                                               (gates * hidden, hidden), (gates * hidden,),
                                               (gates * hidden,))]
    expected = ref_step(kind, x, h, c, *params)
    tensors = [Tensor(a, requires_grad=True) for a in [x, h, c] + params]
    if kind == "lstm":
        def fn(x, h, c, *p):
            return lstm_cell(x, (h, c), *p)
        new_h, new_c = fn(*tensors)
        np.testing.assert_allclose(new_h.data, expected[0], rtol=1e-12)
        np.testing.assert_allclose(new_c.data, expected[1], rtol=1e-12)
        assert gradcheck(fn, tuple(tensors))
        return
    cell = rnn_cell if kind == "rnn" else gru_cell
    inputs = tuple(t for i, t in enumerate(tensors) if i != 2)  # no cell state
    np.testing.assert_allclose(cell(*inputs).data, expected[0], rtol=1e-12)
    assert gradcheck(cell, inputs)
    module = (RNNCell if kind == "rnn" else GRUCell)(input_size, hidden).double()
    for name, value in zip(("weight_ih", "weight_hh", "bias_ih", "bias_hh"), params):
        getattr(module, name).data = value
    np.testing.assert_allclose(module(Tensor(x), Tensor(h)).data, expected[0], rtol=1e-12)


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
    gru = GRU(3, 4, num_layers=2, bidirectional=True)
    expected = []
    for k, inputs in ((0, 3), (1, 8)):
        for suffix in ("", "_reverse"):
            expected += [(f"weight_ih_l{k}{suffix}", (12, inputs)),
                         (f"weight_hh_l{k}{suffix}", (12, 4)), (f"bias_ih_l{k}{suffix}", (12,)),
                         (f"bias_hh_l{k}{suffix}", (12,))]
    assert [(n, p.shape) for n, p in gru.named_parameters()] == expected
    projected = LSTM(3, 5, proj_size=2)
    assert [(n, p.shape) for n, p in projected.named_parameters()] == [
        ("weight_ih_l0", (20, 3)), ("weight_hh_l0", (20, 2)), ("bias_ih_l0", (20,)),
        ("bias_hh_l0", (20,)), ("weight_hr_l0", (2, 5))]


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


TORCH_CASES = [(kind, packed, kwargs) for kind in ("RNN", "LSTM", "GRU")
               for packed, kwargs in ((False, {"num_layers": 2, "batch_first": True}),
                                      (False, {"num_layers": 2, "bidirectional": True}),
                                      (True, {"num_layers": 2, "bidirectional": True,
                                              "batch_first": True}))]
TORCH_CASES += [("LSTM", packed, {"proj_size": 2, "num_layers": 2, "bidirectional": True})
                for packed in (False, True)] + [("GRU", False, {"bias": False})]


@pytest.mark.parametrize(("kind", "packed", "kwargs"), TORCH_CASES, ids=str)
def test_matches_torch_when_installed(kind, packed, kwargs):
    """State_dict loaded from torch: outputs, final states and every gradient agree."""
    torch = pytest.importorskip("torch")
    from graphgrad.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(3, 5, **kwargs).double()
    ours = CLASSES[kind.lower()](3, 5, **kwargs).double()
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert list(state) == [name for name, _ in ours.named_parameters()]
    ours.load_state_dict(state)
    rng = np.random.default_rng(1)
    batch_first = kwargs.get("batch_first", False)
    x = rng.standard_normal((4, 6, 3) if batch_first else (6, 4, 3))
    layers = kwargs["num_layers"] * (2 if kwargs.get("bidirectional") else 1) \
        if "num_layers" in kwargs else 1
    h0 = rng.standard_normal((layers, 4, kwargs.get("proj_size") or 5))
    c0 = rng.standard_normal((layers, 4, 5))
    tx, ax = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
    th, ah = torch.tensor(h0, requires_grad=True), Tensor(h0, requires_grad=True)
    t_state, a_state = ((th, torch.tensor(c0)), (ah, Tensor(c0))) if kind == "LSTM" else (th, ah)
    t_in, a_in = tx, ax
    if packed:
        lengths = [6, 3, 5, 1]
        t_in = torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, batch_first=batch_first,
                                                       enforce_sorted=False)
        a_in = pack_padded_sequence(ax, lengths, batch_first=batch_first, enforce_sorted=False)
    t_out, t_final = theirs(t_in, t_state)
    a_out, a_final = ours(a_in, a_state)
    if packed:
        np.testing.assert_array_equal(a_out.batch_sizes, t_out.batch_sizes.numpy())
        t_out = torch.nn.utils.rnn.pad_packed_sequence(t_out, batch_first=batch_first)[0]
        a_out = pad_packed_sequence(a_out, batch_first=batch_first)[0]
    t_finals = t_final if kind == "LSTM" else (t_final,)
    a_finals = a_final if kind == "LSTM" else (a_final,)
    np.testing.assert_allclose(a_out.data, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    for a, t in zip(a_finals, t_finals):
        np.testing.assert_allclose(a.data, t.detach().numpy(), rtol=1e-10, atol=1e-12)
    ((t_out ** 2).sum() + (t_finals[0] ** 3).sum()).backward()
    ((a_out ** 2).sum() + (a_finals[0] ** 3).sum()).backward()
    np.testing.assert_allclose(ax.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ah.grad.data, th.grad.numpy(), rtol=1e-9, atol=1e-12)
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


@given(st.integers(1, 3), st.integers(1, 3), st.integers(0, 2 ** 16))
def test_fused_gru_pointwise_first_and_second_order(batch, hidden, seed):
    from graphgrad.autograd.testing import gradgradcheck
    from graphgrad.nn.layers.rnn_cells import GRUPointwise

    rng = np.random.default_rng(seed)
    gi, gh = (Tensor(rng.standard_normal((batch, 3 * hidden)), requires_grad=True)
              for _ in range(2))
    h = Tensor(rng.standard_normal((batch, hidden)), requires_grad=True)
    assert gradcheck(GRUPointwise.apply, (gi, gh, h))
    assert gradgradcheck(GRUPointwise.apply, (gi, gh, h))


def test_bad_arguments_raise_before_building():
    with pytest.raises(ValueError, match="proj_size"):
        LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="proj_size"):
        LSTM(3, 4, proj_size=-1)
    with pytest.raises(TypeError, match="proj_size"):
        GRU(3, 4, proj_size=2)  # as PyTorch: only LSTM projects
    with pytest.raises(ValueError, match="dropout"):
        GRU(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="hidden_size"):
        GRUCell(3, 0)
    gru = GRU(3, 4, num_layers=2, bidirectional=True)
    with pytest.raises(ShapeError, match=r"\(4, 2, 4\)"):
        gru(autograd.randn(5, 2, 3), autograd.zeros(2, 2, 4))
    with pytest.raises(ShapeError, match=r"\(seq, batch, 3\)"):
        gru(autograd.randn(5, 2, 2))


def test_cells_unbatched_and_bad_inputs():
    autograd.manual_seed(5)
    x, h = autograd.randn(3).double(), autograd.randn(4).double()
    for cell in (RNNCell(3, 4), GRUCell(3, 4)):
        cell.double()
        np.testing.assert_allclose(cell(x, h).data, cell(x.unsqueeze(0), h.unsqueeze(0)).data[0])
        assert cell(x).shape == (4,)
        with pytest.raises(ShapeError, match=r"\(batch, 3\)"):
            cell(autograd.randn(2, 5))
        with pytest.raises(ShapeError, match=r"state of shape \(2, 5\)"):
            cell(autograd.randn(2, 3), autograd.randn(2, 5))
    lstm = LSTMCell(3, 4).double()
    h1, c1 = lstm(x, (h, h))
    h2, c2 = lstm(x.unsqueeze(0), (h.unsqueeze(0), h.unsqueeze(0)))
    np.testing.assert_allclose(c1.data, c2.data[0])
    with pytest.raises(TypeError, match="pair"):
        lstm(x, h)
    with pytest.raises(ValueError, match="nonlinearity"):
        RNNCell(3, 4, nonlinearity="sigmoid")


def test_dropout_between_layers_only_while_training():
    autograd.manual_seed(0)
    gru = GRU(3, 4, num_layers=2, dropout=0.5)
    x = autograd.randn(5, 2, 3)
    assert not np.allclose(gru(x)[0].data, gru(x)[0].data)
    gru.eval()
    np.testing.assert_array_equal(gru(x)[0].data, gru(x)[0].data)
    with pytest.warns(UserWarning, match="num_layers=1"):
        single = GRU(3, 4, dropout=0.5)  # one layer: nothing between layers to drop
    np.testing.assert_array_equal(single(x)[0].data, single(x)[0].data)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_sequences_equal_each_sequence_run_alone(kind, enforce_sorted):
    """Packed: each sequence's outputs and final state are those of running it by itself."""
    from graphgrad.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    autograd.manual_seed(3)
    module = CLASSES[kind](2, 3, num_layers=2, bidirectional=True).double()
    rng = np.random.default_rng(3)
    lengths = [5, 4, 2] if enforce_sorted else [2, 5, 4]
    x = rng.standard_normal((5, 3, 2))
    packed = pack_padded_sequence(Tensor(x), lengths, enforce_sorted=enforce_sorted)
    output, final = module(packed)
    padded, out_lengths = pad_packed_sequence(output, padding_value=-7.0)
    assert out_lengths.tolist() == lengths
    h_n = final[0] if kind == "lstm" else final
    for b, n in enumerate(lengths):
        alone, alone_final = module(Tensor(x[:n, b:b + 1]))
        np.testing.assert_allclose(padded.data[:n, b], alone.data[:, 0], rtol=1e-12)
        np.testing.assert_array_equal(padded.data[n:, b], -7.0)
        alone_h = alone_final[0] if kind == "lstm" else alone_final
        np.testing.assert_allclose(h_n.data[:, b], alone_h.data[:, 0], rtol=1e-12)


def test_packing_round_trip_gradcheck_and_errors():
    from graphgrad.nn.utils.rnn import (
        pack_padded_sequence,
        pack_sequence,
        pad_packed_sequence,
        pad_sequence,
    )
    rng = np.random.default_rng(4)
    x = Tensor(rng.standard_normal((3, 4, 2)), requires_grad=True)  # batch first
    lengths = [2, 4, 1]
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    assert packed.batch_sizes.tolist() == [3, 2, 1, 1]
    padded, _ = pad_packed_sequence(packed, batch_first=True, total_length=5)
    assert padded.shape == (3, 5, 2)
    keep = np.arange(4)[None, :] < np.array(lengths)[:, None]
    np.testing.assert_array_equal(padded.data[:, :4], np.where(keep[..., None], x.data, 0))
    assert gradcheck(lambda t: pad_packed_sequence(pack_padded_sequence(
        t, lengths, batch_first=True, enforce_sorted=False), batch_first=True)[0], (x,))
    seqs = [Tensor(rng.standard_normal((n, 2))) for n in (3, 1)]
    np.testing.assert_array_equal(pad_sequence(seqs).data[:, 1, :],
                                  np.concatenate([seqs[1].data, np.zeros((2, 2))]))
    assert pack_sequence(seqs).batch_sizes.tolist() == [2, 1, 1]
    with pytest.raises(ValueError, match="decreasing"):
        pack_padded_sequence(x, lengths, batch_first=True)
    with pytest.raises(ValueError, match="between 1 and"):
        pack_padded_sequence(x, [5, 1, 1], batch_first=True)
    with pytest.raises(ValueError, match="3 integers"):
        pack_padded_sequence(x, [2, 1], batch_first=True)
    with pytest.raises(ValueError, match="total_length"):
        pad_packed_sequence(packed, total_length=2)


def test_docstring_examples_run():
    import doctest

    from graphgrad.nn.layers import recurrent, rnn_cells
    from graphgrad.nn.utils import rnn
    for module in (recurrent, rnn_cells, rnn):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0
