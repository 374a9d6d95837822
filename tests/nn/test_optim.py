"""Optimizers: each update equals its published rule, written out below in plain numpy.

The fixed problem: independent quadratics, grad(w) = h * (w - c), on two float64
parameters; the rules below are the algorithm boxes of PyTorch's documentation.
"""
import functools
import re

import numpy as np
import pytest

from graphgrad import autograd, nn
from graphgrad.autograd import Tensor
from graphgrad.nn.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

RNG = np.random.default_rng(1234)
SHAPES = [(3,), (2, 4)]
W0 = [RNG.standard_normal(s) for s in SHAPES]
H = [RNG.uniform(0.5, 2.0, s) for s in SHAPES]
C = [RNG.standard_normal(s) for s in SHAPES]
STEPS = 12


def quadratic_grad(i, w):
    return H[i] * (w - C[i])


# ---------------------------------------------------------------- published rules (per array)
def sgd_rule(w, grad, steps, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
             maximize=False):
    b = None
    for _ in range(steps):
        g = -grad(w) if maximize else grad(w)
        g = g + weight_decay * w
        if momentum:
            b = g.copy() if b is None else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        w = w - lr * g
    return w


def adam_rule(w, grad, steps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
              amsgrad=False, maximize=False, decoupled=False):
    b1, b2 = betas
    m = v = v_max = np.zeros_like(w)
    for t in range(1, steps + 1):
        g = -grad(w) if maximize else grad(w)
        if decoupled:
            w = w * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        m_hat = m / (1 - b1 ** t)
        if amsgrad:
            v_max = np.maximum(v_max, v)
            v_hat = v_max / (1 - b2 ** t)
        else:
            v_hat = v / (1 - b2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w


def rmsprop_rule(w, grad, steps, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False, maximize=False):
    v = g_avg = b = np.zeros_like(w)
    for _ in range(steps):
        g = -grad(w) if maximize else grad(w)
        g = g + weight_decay * w
        v = alpha * v + (1 - alpha) * g ** 2
        v_tilde = v
        if centered:
            g_avg = alpha * g_avg + (1 - alpha) * g
            v_tilde = v - g_avg ** 2
        if momentum > 0:
            b = momentum * b + g / (np.sqrt(v_tilde) + eps)
            w = w - lr * b
        else:
            w = w - lr * g / (np.sqrt(v_tilde) + eps)
    return w


def adagrad_rule(w, grad, steps, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10, maximize=False):
    state_sum = np.full_like(w, initial_accumulator_value)
    for t in range(1, steps + 1):
        g = -grad(w) if maximize else grad(w)
        lr_t = lr / (1 + (t - 1) * lr_decay)
        g = g + weight_decay * w
        state_sum = state_sum + g ** 2
        w = w - lr_t * g / (np.sqrt(state_sum) + eps)
    return w


CASES = [  # (id, optimizer class, its kwargs, the rule, the rule's kwargs)
    ("sgd", SGD, dict(lr=0.1), sgd_rule, dict(lr=0.1)),
    ("sgd-momentum", SGD, dict(lr=0.05, momentum=0.9), sgd_rule, dict(lr=0.05, momentum=0.9)),
    ("sgd-dampening-wd", SGD, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.1),
     sgd_rule, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.1)),
    ("sgd-nesterov", SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
     sgd_rule, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("sgd-maximize", SGD, dict(lr=0.05, momentum=0.5, maximize=True, weight_decay=0.1),
     sgd_rule, dict(lr=0.05, momentum=0.5, maximize=True, weight_decay=0.1)),
    ("adam", Adam, dict(lr=0.05), adam_rule, dict(lr=0.05)),
    ("adam-wd-betas", Adam, dict(lr=0.05, betas=(0.3, 0.8), weight_decay=0.1),
     adam_rule, dict(lr=0.05, betas=(0.3, 0.8), weight_decay=0.1)),
    ("adam-amsgrad", Adam, dict(lr=0.05, amsgrad=True), adam_rule, dict(lr=0.05, amsgrad=True)),
    ("adam-maximize", Adam, dict(lr=0.05, maximize=True, weight_decay=0.1),
     adam_rule, dict(lr=0.05, maximize=True, weight_decay=0.1)),
    ("adamw", AdamW, dict(lr=0.05), adam_rule, dict(lr=0.05, weight_decay=1e-2, decoupled=True)),
    ("adamw-amsgrad", AdamW, dict(lr=0.05, weight_decay=0.2, amsgrad=True),
     adam_rule, dict(lr=0.05, weight_decay=0.2, amsgrad=True, decoupled=True)),
    ("rmsprop", RMSprop, dict(), rmsprop_rule, dict()),
    ("rmsprop-momentum-wd", RMSprop, dict(lr=0.01, momentum=0.9, weight_decay=0.1, alpha=0.9),
     rmsprop_rule, dict(lr=0.01, momentum=0.9, weight_decay=0.1, alpha=0.9)),
    ("rmsprop-centered", RMSprop, dict(centered=True), rmsprop_rule, dict(centered=True)),
    ("rmsprop-centered-momentum", RMSprop, dict(centered=True, momentum=0.5, maximize=True),
     rmsprop_rule, dict(centered=True, momentum=0.5, maximize=True)),
    ("adagrad", Adagrad, dict(lr=0.1), adagrad_rule, dict(lr=0.1)),
    ("adagrad-decay-wd-init", Adagrad,
     dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3, eps=1e-6),
     adagrad_rule,
     dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3, eps=1e-6)),
]
OPTIMIZERS = {case[1] for case in CASES}


def make_params(dtype=np.float64):
    return [Tensor(w.astype(dtype), requires_grad=True) for w in W0]


def set_grads(params):
    for i, p in enumerate(params):
        p.grad = Tensor(quadratic_grad(i, p.data))


def run(opt, params, steps):
    for _ in range(steps):
        set_grads(params)
        opt.step()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_optimizer_step_matches_published_rule(case):
    _, cls, kwargs, rule, rule_kwargs = case
    params = make_params()
    run(cls(params, **kwargs), params, STEPS)
    for i, p in enumerate(params):
        expected = rule(W0[i], functools.partial(quadratic_grad, i), STEPS, **rule_kwargs)
        np.testing.assert_allclose(p.data, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cls", [SGD, Adam, AdamW, RMSprop, Adagrad])
def test_param_groups_use_their_own_hyperparameters(cls):
    params = make_params()
    opt = cls([{"params": [params[0]], "lr": 0.02}, {"params": [params[1]], "lr": 0.2}],
              lr=0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.02, 0.2]
    assert opt.defaults["lr"] == 0.5
    run(opt, params, STEPS)
    rule = {SGD: sgd_rule, Adam: adam_rule, RMSprop: rmsprop_rule, Adagrad: adagrad_rule,
            AdamW: functools.partial(adam_rule, decoupled=True, weight_decay=1e-2)}[cls]
    for i, lr in enumerate([0.02, 0.2]):
        expected = rule(W0[i], functools.partial(quadratic_grad, i), STEPS, lr=lr)
        np.testing.assert_allclose(params[i].data, expected, rtol=1e-12, atol=1e-14)


def test_group_keys_fill_from_defaults_in_pytorch_order():
    params = make_params()
    opt = SGD([{"params": params[:1]}, {"params": params[1:], "momentum": 0.9}], lr=0.1)
    assert list(opt.param_groups[0]) == ["params", "lr", "momentum", "dampening",
                                         "weight_decay", "nesterov", "maximize", "foreach"]
    assert opt.param_groups[0]["momentum"] == 0 and opt.param_groups[1]["momentum"] == 0.9


@pytest.mark.parametrize("cls", sorted(OPTIMIZERS, key=lambda c: c.__name__))
def test_params_without_grad_are_skipped(cls):
    params = make_params()
    frozen_before = params[1].data.copy()
    opt = cls(params, lr=0.1)
    for _ in range(3):
        params[0].grad = Tensor(quadratic_grad(0, params[0].data))
        opt.step()
    np.testing.assert_array_equal(params[1].data, frozen_before)
    assert not np.array_equal(params[0].data, W0[0])
    if cls is not Adagrad:  # Adagrad makes its accumulators up front, as PyTorch's does
        assert params[1] not in opt.state


@pytest.mark.parametrize("cls", sorted(OPTIMIZERS, key=lambda c: c.__name__))
def test_update_is_in_place_records_no_graph_and_keeps_float32(cls):
    params = make_params(np.float32)
    arrays = [p.data for p in params]
    opt = cls(params, lr=0.1, **({"momentum": 0.9} if cls in (SGD, RMSprop) else {}))
    run(opt, params, 3)
    for p, array in zip(params, arrays):
        assert p.data is array and p.data.dtype == np.float32
        assert p.is_leaf and p.grad_fn is None and p.requires_grad
        for value in opt.state[p].values():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32
    assert autograd.is_grad_enabled()


def test_zero_grad_sets_none_or_zeros_in_place():
    params = make_params()
    opt = SGD(params, lr=0.1)
    set_grads(params)
    grad_arrays = [p.grad.data for p in params]
    opt.zero_grad(set_to_none=False)
    for p, array in zip(params, grad_arrays):
        assert p.grad.data is array and not array.any()
    opt.zero_grad()
    assert all(p.grad is None for p in params)
    opt.zero_grad()  # no grads at all: nothing to do, no error


def test_zero_grad_then_backward_accumulates_fresh_gradient():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = SGD([w], lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        (w * w).sum().backward()
    np.testing.assert_allclose(w.grad.data, 2 * w.data)


def test_step_closure_runs_with_grad_enabled_and_returns_loss():
    w = Tensor(np.array([3.0]), requires_grad=True)
    opt = SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with autograd.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    np.testing.assert_allclose(w.data, [3.0 - 0.25 * 6.0])


# ---------------------------------------------------------------- state_dict
def _with_momentum(cls):
    return {"momentum": 0.9} if cls in (SGD, RMSprop) else {}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_state_dict_round_trip_continues_identically(case):
    _, cls, kwargs, _, _ = case
    params = make_params()
    opt = cls(params, **kwargs)
    run(opt, params, 4)
    snapshot = opt.state_dict()
    copies = [p.data.copy() for p in params]
    run(opt, params, 5)
    # the snapshot is a copy: later steps do not change it
    for key, state in snapshot["state"].items():
        for name, value in state.items():
            if isinstance(value, np.ndarray):
                assert not np.shares_memory(value, opt.state[params[key]][name])

    resumed = [Tensor(c, requires_grad=True) for c in copies]
    other_kwargs = dict(kwargs, lr=123.0)  # hyper-parameters come from the snapshot
    opt2 = cls(resumed, **other_kwargs)
    opt2.load_state_dict(snapshot)
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    assert opt2.param_groups[0]["params"][0] is resumed[0]
    run(opt2, resumed, 5)
    for p, q in zip(params, resumed):
        np.testing.assert_array_equal(p.data, q.data)


def test_state_dict_layout_is_pytorchs():
    params = make_params()
    opt = Adam([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.1}])
    run(opt, params, 2)
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert sd["param_groups"][1]["lr"] == 0.1
    assert set(sd["state"]) == {0, 1}
    assert set(sd["state"][1]) == {"step", "exp_avg", "exp_avg_sq"}
    assert sd["state"][1]["step"] == 2


def test_load_state_dict_casts_to_param_dtype():
    params64 = make_params()
    opt = RMSprop(params64, momentum=0.5)
    run(opt, params64, 2)
    params32 = make_params(np.float32)
    opt32 = RMSprop(params32, momentum=0.5)
    opt32.load_state_dict(opt.state_dict())
    assert opt32.state[params32[0]]["square_avg"].dtype == np.float32


@pytest.mark.parametrize("breakage, message", [
    (lambda sd: sd["param_groups"].append(dict(sd["param_groups"][0], params=[])),
     "parameter groups"),
    (lambda sd: sd["param_groups"][0]["params"].pop(), "parameters in the loaded state"),
    (lambda sd: sd["state"][1].update(exp_avg=np.zeros((4, 2))), r"shape \(4, 2\)"),
    (lambda sd: sd["state"].update({7: {"step": 1}}), "no group lists"),
    (lambda sd: sd.pop("state"), "'state' and 'param_groups'"),
    (lambda sd: sd["param_groups"][0].update(lr=-1.0), "lr=-1.0"),
])
def test_load_state_dict_rejects_a_bad_state_and_changes_nothing(breakage, message):
    params = make_params()
    opt = Adam(params, lr=0.01)
    run(opt, params, 2)
    bad = opt.state_dict()
    breakage(bad)
    before = opt.state_dict()
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(bad)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for key in before["state"]:
        for name, value in before["state"][key].items():
            np.testing.assert_array_equal(after["state"][key][name], value)


# ---------------------------------------------------------------- construction and validation
@pytest.mark.parametrize("cls, kwargs, named", [
    (SGD, dict(lr=-0.1), "lr=-0.1"),
    (SGD, dict(momentum=-0.5), "momentum=-0.5"),
    (SGD, dict(weight_decay=-1e-4), "weight_decay=-0.0001"),
    (SGD, dict(nesterov=True), "momentum=0"),
    (SGD, dict(momentum=0.9, dampening=0.1, nesterov=True), "dampening=0.1"),
    (Adam, dict(lr=-1e-3), "lr=-0.001"),
    (Adam, dict(betas=(1.0, 0.999)), "betas[0]=1.0"),
    (Adam, dict(betas=(0.9, -0.1)), "betas[1]=-0.1"),
    (Adam, dict(eps=-1e-8), "eps=-1e-08"),
    (Adam, dict(weight_decay=-0.1), "weight_decay=-0.1"),
    (AdamW, dict(betas=(0.9, 1.5)), "betas[1]=1.5"),
    (AdamW, dict(weight_decay=-0.01), "weight_decay=-0.01"),
    (RMSprop, dict(alpha=-0.9), "alpha=-0.9"),
    (RMSprop, dict(momentum=-1), "momentum=-1"),
    (RMSprop, dict(eps=-1.0), "eps=-1.0"),
    (Adagrad, dict(lr_decay=-0.5), "lr_decay=-0.5"),
    (Adagrad, dict(initial_accumulator_value=-1.0), "initial_accumulator_value=-1.0"),
    (Adagrad, dict(eps=-1e-10), "eps=-1e-10"),
    (Adagrad, dict(lr=float("nan")), "lr=nan"),
])
def test_invalid_hyperparameters_raise_naming_argument_and_value(cls, kwargs, named):
    params = make_params()
    set_grads(params)
    before = [(p.data.copy(), p.grad.data.copy()) for p in params]
    with pytest.raises(ValueError, match=re.escape(named)):
        cls(params, **kwargs)
    for p, (data, grad) in zip(params, before):
        np.testing.assert_array_equal(p.data, data)
        np.testing.assert_array_equal(p.grad.data, grad)


def test_invalid_group_hyperparameter_is_caught_and_add_param_group_changes_nothing():
    params = make_params()
    with pytest.raises(ValueError, match=re.escape("lr=-2")):
        SGD([{"params": params[:1]}, {"params": params[1:], "lr": -2}], lr=0.1)
    opt = SGD(params[:1], lr=0.1)
    groups_before = [dict(g) for g in opt.param_groups]
    with pytest.raises(ValueError, match=re.escape("momentum=-1")):
        opt.add_param_group({"params": params[1:], "momentum": -1})
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": params[:1]})
    assert opt.param_groups == groups_before
    opt.add_param_group({"params": params[1:], "lr": 0.3})
    assert opt.param_groups[1]["lr"] == 0.3 and opt.param_groups[1]["momentum"] == 0


def test_params_accepted_as_generator_list_or_group_dicts():
    params = make_params()
    for given in (iter(params), list(params), tuple(params), [{"params": params}],
                  ({"params": [p]} for p in params)):
        opt = SGD(given, lr=0.1)
        assert [p for g in opt.param_groups for p in g["params"]] == params


@pytest.mark.parametrize("given, error, message", [
    ([], ValueError, "empty parameter list"),
    (iter([]), ValueError, "empty parameter list"),
    (Tensor(np.ones(2), requires_grad=True), TypeError, "single Tensor"),
    ({Tensor(np.ones(2), requires_grad=True)}, TypeError, "ordered"),
    ({"params": [Tensor(np.ones(2), requires_grad=True)]}, TypeError, "wrap it in a list"),
    ([np.ones(2)], TypeError, "only optimize Tensors"),
    (5, TypeError, "iterable"),
    ([{"lr": 0.1}], ValueError, "'params'"),
    ([Tensor(np.ones(2), requires_grad=True), {"params": []}], TypeError, "mixes"),
    ([(Tensor(np.ones(2), requires_grad=True) * 2.0)], ValueError, "non-leaf"),
])
def test_bad_params_raise_clear_errors(given, error, message):
    with pytest.raises(error, match=re.escape(message)):
        Adam(given)


def test_same_tensor_twice_is_rejected():
    w = Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match="twice"):
        SGD([w, w], lr=0.1)


def test_repr_lists_groups_and_hyperparameters():
    text = repr(Adam(make_params(), lr=0.01))
    assert text.startswith("Adam (") and "Parameter Group 0" in text and "lr: 0.01" in text


def test_sgd_docstring_l1_one_liner_adds_l1_times_sign_to_the_gradient():
    w = Tensor(np.array([0.5, -2.0, 3.0]), requires_grad=True)
    l1 = 0.1
    loss = (w * w).sum()
    loss = loss + l1 * sum(p.abs().sum() for p in [w])
    loss.backward()
    np.testing.assert_allclose(w.grad.data, 2 * w.data + l1 * np.sign(w.data))
    assert "l1 * sum(p.abs().sum()" in SGD.__doc__


@pytest.mark.parametrize("cls, kwargs", [(SGD, dict(lr=0.1, momentum=0.9)), (Adam, dict(lr=0.1)),
                                         (AdamW, dict(lr=0.1)), (RMSprop, dict(lr=0.01)),
                                         (Adagrad, dict(lr=0.5))])
def test_training_loop_fits_a_linear_regression(cls, kwargs):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3))
    y = x @ np.array([[1.5], [-2.0], [0.5]]) + 0.3
    w = Tensor(np.zeros((3, 1)), requires_grad=True)
    b = Tensor(np.zeros(1), requires_grad=True)
    opt = cls([w, b], **kwargs)
    xt, yt = Tensor(x), Tensor(y)
    for _ in range(300):
        opt.zero_grad()
        loss = ((xt @ w + b - yt) ** 2).mean()
        loss.backward()
        opt.step()
    assert loss.item() < 1e-2, f"{cls.__name__} did not fit: loss {loss.item()}"


def test_base_class_step_names_what_to_implement():
    class Incomplete(Optimizer):
        pass

    opt = Incomplete(make_params(), {"lr": 0.1})
    with pytest.raises(NotImplementedError, match="_step_group"):
        opt.step()


# ---------------------------------------------------------------- against PyTorch (optional)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(case, dtype):
    torch = pytest.importorskip("torch")
    _, cls, kwargs, _, _ = case
    ours = make_params(dtype)
    theirs = [torch.tensor(p.data.copy(), requires_grad=True) for p in ours]
    opt = cls(ours, **kwargs)
    ref = getattr(torch.optim, cls.__name__)(theirs, **kwargs)
    for _ in range(STEPS):
        for i, (p, q) in enumerate(zip(ours, theirs)):
            g = quadratic_grad(i, p.data.astype(np.float64)).astype(dtype)
            p.grad, q.grad = Tensor(g), torch.tensor(g.copy())
        opt.step()
        ref.step()
    tol = dict(rtol=1e-12, atol=1e-14) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-6)
    for p, q in zip(ours, theirs):
        assert p.data.dtype == dtype
        np.testing.assert_allclose(p.data, q.detach().numpy(), **tol)


@pytest.mark.parametrize("cls", sorted(OPTIMIZERS, key=lambda c: c.__name__))
def test_defaults_match_torch(cls):
    torch = pytest.importorskip("torch")
    ref = getattr(torch.optim, cls.__name__)([torch.zeros(1, requires_grad=True)])
    ours = cls(make_params())
    shared = set(ours.defaults) & set(ref.defaults)
    assert {"lr", "weight_decay", "maximize"} <= shared
    assert {k: ours.defaults[k] for k in shared} == {k: ref.defaults[k] for k in shared}


def test_optimizer_trains_an_nn_model_from_its_parameters_generator():
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
    opt = Adam(model.parameters(), lr=0.05)
    x = Tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32))
    y = Tensor(np.array([[0], [1], [1], [0]], dtype=np.float32))
    losses = []
    for _ in range(200):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 1e-3 < losses[0]
    assert all(s["exp_avg"].dtype == np.float32 for s in opt.state.values())


@pytest.mark.parametrize("make", [lambda p: SGD(p, lr=0.1), lambda p: Adam(p, lr=0.1)])
def test_optimizer_step_bumps_versions_so_an_older_graph_refuses_backward(make):
    w = nn.Parameter(np.array([1.0, 2.0, 3.0]))
    opt = make([w])
    (w * w).sum().backward()
    old_graph = (w * 2.0).sum()
    version = w._version
    opt.step()
    assert w._version == version + 1
    with pytest.raises(autograd.InplaceModificationError):
        old_graph.backward()
