"""ModuleDict ParameterList ParameterDict, named_modules, apply, requires_grad_ and module hooks.

Against torch (state_dict names and values, module names, hook arguments and the
gradients they change) and behavioural checks (hook order, handle.remove(),
state_dict round trips of the containers).
"""
import doctest

import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn
from graphgrad.nn import hooks as hooks_module
from graphgrad.nn import parameter_containers

RNG = np.random.default_rng(5)


def copy_into_torch(ours, theirs):
    """Load our state_dict into a torch module with the same names (float64)."""
    import torch
    state = {k: torch.tensor(v.numpy().astype(np.float64)) for k, v in ours.state_dict().items()}
    theirs.double().load_state_dict(state)


# ---------------------------------------------------------------- containers
class Heads(nn.Module):
    def __init__(self):
        super().__init__()
        self.heads = nn.ModuleDict({"cls": nn.Linear(3, 2), "box": nn.Linear(3, 4)})
        self.scales = nn.ParameterList([np.ones(2), nn.Parameter(np.full(4, 2.0))])
        self.extra = nn.ParameterDict({"bias": np.zeros(2), "temp": np.array([0.5])})

    def forward(self, x):
        return (self.heads["cls"](x) * self.scales[0] + self.extra["bias"],
                self.heads["box"](x) * self.scales[1] / self.extra["temp"])


def torch_heads():
    torch = pytest.importorskip("torch")
    tn = torch.nn

    class TorchHeads(tn.Module):
        def __init__(self):
            super().__init__()
            self.heads = tn.ModuleDict({"cls": tn.Linear(3, 2), "box": tn.Linear(3, 4)})
            self.scales = tn.ParameterList([tn.Parameter(torch.ones(2)),
                                            tn.Parameter(torch.full((4,), 2.0))])
            self.extra = tn.ParameterDict({"bias": tn.Parameter(torch.zeros(2)),
                                           "temp": tn.Parameter(torch.tensor([0.5]))})

        def forward(self, x):
            return (self.heads["cls"](x) * self.scales[0] + self.extra["bias"],
                    self.heads["box"](x) * self.scales[1] / self.extra["temp"])
    return torch, TorchHeads()


def test_containers_state_dict_names_values_and_outputs_match_torch():
    torch, theirs = torch_heads()
    ours = Heads().double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    copy_into_torch(ours, theirs)
    x = RNG.standard_normal((5, 3))
    for a, b in zip(ours(gg.Tensor(x)), theirs(torch.tensor(x))):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-12)
    for (name, p), (tname, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        np.testing.assert_array_equal(p.numpy(), q.detach().numpy())


def test_containers_state_dict_round_trip(tmp_path):
    a, b = Heads(), Heads()
    for p in a.parameters():
        p.data[...] = RNG.standard_normal(p.shape)
    b.load_state_dict(a.state_dict())
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.numpy(), q.numpy(), err_msg=name)
    a.save(tmp_path / "heads.npz")
    c = Heads()
    c.load(tmp_path / "heads.npz")
    np.testing.assert_array_equal(c.extra["temp"].numpy(), a.extra["temp"].numpy())


def test_module_dict_is_an_ordered_dict_of_registered_modules():
    md = nn.ModuleDict([("b", nn.ReLU()), ("a", nn.Linear(2, 2))])
    assert list(md) == ["b", "a"] and list(md.keys()) == ["b", "a"] and len(md) == 2
    md["c"] = nn.Tanh()
    md.update({"b": nn.Sigmoid()})
    assert isinstance(md["b"], nn.Sigmoid) and list(md) == ["b", "a", "c"]
    assert "a" in md and isinstance(md.pop("a"), nn.Linear) and "a" not in md
    assert [n for n, _ in md.named_parameters()] == []
    with pytest.raises(KeyError):
        md["missing"]
    with pytest.raises(TypeError, match="not a Module"):
        md["x"] = 3
    with pytest.raises(ValueError, match="element 0"):
        md.update([("a", nn.ReLU(), 1)])
    md.clear()
    assert len(md) == 0


def test_parameter_list_indexes_slices_and_wraps_like_torch():
    plist = nn.ParameterList([np.zeros(2)])
    plist.append(gg.Tensor(np.ones(3)))
    plist.extend([nn.Parameter(np.full(1, 7.0))])
    assert [type(p) for p in plist] == [nn.Parameter] * 3
    assert plist[-1].numpy().tolist() == [7.0]
    assert len(plist[1:]) == 2 and plist[1:][0] is plist[1]
    plist[0] = np.full(2, 3.0)
    assert plist[0].numpy().tolist() == [3.0, 3.0]
    assert [n for n, _ in plist.named_parameters()] == ["0", "1", "2"]
    with pytest.raises(IndexError, match="out of range"):
        plist[3]
    with pytest.raises(TypeError, match="Parameters, Tensors or numpy arrays"):
        plist.append("weight")


def test_parameter_dict_behaves_as_a_dict():
    pd = nn.ParameterDict({"w": np.ones(2)})
    pd["b"] = np.zeros(1)
    pd.update([("s", np.full(3, 2.0))])
    assert list(pd.keys()) == ["w", "b", "s"] and len(pd) == 3 and "b" in pd
    assert pd.get("nope") is None and pd.get("w") is pd["w"]
    assert isinstance(pd.pop("b"), nn.Parameter) and list(pd) == ["w", "s"]
    with pytest.raises(KeyError):
        pd["b"]
    pd.clear()
    assert list(pd.named_parameters()) == []


# ---------------------------------------------------------------- traversal, apply, freezing
def shared_model(lib):
    shared = lib.Linear(2, 2)
    inner = lib.Sequential(shared, lib.ReLU())
    return lib.Sequential(inner, shared, lib.Sequential(lib.Tanh(), inner))


@pytest.mark.parametrize("kwargs", [dict(), dict(prefix="model"), dict(remove_duplicate=False),
                                    dict(prefix="m", remove_duplicate=False)])
def test_named_modules_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    ours = [name for name, _ in shared_model(nn).named_modules(**kwargs)]
    theirs = [name for name, _ in shared_model(torch.nn).named_modules(**kwargs)]
    assert ours == theirs


def test_named_modules_memo_skips_modules_already_seen():
    model = shared_model(nn)
    memo = {id(model[0])}
    names = [name for name, _ in model.named_modules(memo=memo)]
    assert "0" not in names and "0.0" not in names and "1" in names
    assert id(model) in memo


def test_apply_visits_children_first_and_requires_grad_freezes():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
    order = []
    assert model.apply(lambda m: order.append(type(m).__name__)) is model
    assert order == ["Linear", "ReLU", "Linear", "Sequential", "Sequential"]
    assert model[1].requires_grad_(False) is model[1]
    assert [p.requires_grad for p in model.parameters()] == [True, True, False, False]
    model.requires_grad_()
    assert all(p.requires_grad for p in model.parameters())


# ---------------------------------------------------------------- forward hooks
def test_forward_hooks_run_in_order_can_replace_and_are_removed():
    layer = nn.Identity()
    calls = []
    h1 = layer.register_forward_pre_hook(lambda m, args: calls.append("pre1"))
    layer.register_forward_pre_hook(lambda m, args: (calls.append("pre0"), None)[1],
                                    prepend=True)
    layer.register_forward_pre_hook(lambda m, args: args[0] + 1)
    layer.register_forward_hook(lambda m, args, out: calls.append(("fwd", args[0].item())))
    h2 = layer.register_forward_hook(lambda m, args, out: out * 10)
    out = layer(gg.Tensor(1.0))
    assert calls == ["pre0", "pre1", ("fwd", 2.0)] and out.item() == 20.0
    h1.remove()
    h2.remove()
    h2.remove()  # twice is harmless
    calls.clear()
    assert layer(gg.Tensor(1.0)).item() == 2.0 and calls == ["pre0", ("fwd", 2.0)]


def test_hooks_with_kwargs_and_handle_as_context_manager():
    class Scale(nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale

    module = Scale()
    seen = []
    with module.register_forward_pre_hook(lambda m, a, k: (a, {"scale": 3.0}), with_kwargs=True):
        with module.register_forward_hook(lambda m, a, k, out: seen.append(k), with_kwargs=True):
            assert module(gg.Tensor(2.0)).item() == 6.0
    assert seen == [{"scale": 3.0}]
    assert module(gg.Tensor(2.0)).item() == 2.0
    assert not module._forward_pre_hooks and not module._hooks_with_kwargs
    with pytest.raises(TypeError, match="callable"):
        module.register_forward_hook(3)


# ---------------------------------------------------------------- full backward hooks vs torch
class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(np.array([0.5, -1.5, 2.0]))

    def forward(self, x, flag, y):
        assert flag == "flag"
        return x * y * self.w + x.exp(), (y * 3.0).sum()


def torch_two_inputs():
    torch = pytest.importorskip("torch")

    class TorchTwoInputs(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64))

        def forward(self, x, flag, y):
            return x * y * self.w + x.exp(), (y * 3.0).sum()
    return torch, TorchTwoInputs()


def as_numpy(grads):
    return [None if g is None else (g.numpy() if hasattr(g, "numpy") and not hasattr(
        g, "detach") else g.detach().numpy()) for g in grads]


@pytest.mark.parametrize("replace", [False, True])
def test_full_backward_hook_matches_torch_with_several_inputs(replace):
    torch, theirs = torch_two_inputs()
    ours = TwoInputs()
    xv, yv = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3))
    records = {"ours": [], "theirs": []}

    def make_hook(key):
        def hook(module, grad_input, grad_output):
            records[key].append((as_numpy(grad_input), as_numpy(grad_output)))
            if replace:
                return (grad_input[0] * 2.0, None, None)
        return hook

    ours.register_full_backward_hook(make_hook("ours"))
    theirs.register_full_backward_hook(make_hook("theirs"))
    x, y = gg.Tensor(xv, requires_grad=True), gg.Tensor(yv, requires_grad=True)
    tx, ty = torch.tensor(xv, requires_grad=True), torch.tensor(yv, requires_grad=True)
    a, b = ours(x, "flag", y)
    ta, tb = theirs(tx, "flag", ty)
    ((a * a).sum() + b * 0.5).backward()
    ((ta * ta).sum() + tb * 0.5).backward()
    assert len(records["ours"]) == len(records["theirs"]) == 1
    (gi, go), (tgi, tgo) = records["ours"][0], records["theirs"][0]
    assert [g is None for g in gi] == [g is None for g in tgi] == [False, True, False]
    for mine, ref in zip(gi + go, tgi + tgo):
        if ref is not None:
            np.testing.assert_allclose(mine, ref, rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    if replace:
        assert y.grad is None or not np.any(y.grad.numpy())
    else:
        np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.w.grad.numpy(), theirs.w.grad.numpy(), rtol=1e-12)


def test_full_backward_hook_on_a_layer_whose_input_needs_no_grad_matches_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Linear(3, 2).double()
    theirs = torch.nn.Linear(3, 2).double()
    copy_into_torch(ours, theirs)
    got = {}

    def record(key):
        def hook(module, grad_input, grad_output):
            got[key] = (grad_input, grad_output)
        return hook
    ours.register_full_backward_hook(record("ours"))
    theirs.register_full_backward_hook(record("theirs"))
    xv = RNG.standard_normal((4, 3))
    (ours(gg.Tensor(xv)) ** 2).sum().backward()
    (theirs(torch.tensor(xv)) ** 2).sum().backward()
    (gi, go), (tgi, tgo) = got["ours"], got["theirs"]
    assert gi == tgi == (None,)
    np.testing.assert_allclose(go[0].numpy(), tgo[0].numpy(), rtol=1e-12)


def test_backward_hooks_run_in_order_and_handle_remove_stops_them():
    layer = nn.Tanh()
    calls = []
    handle = layer.register_full_backward_hook(lambda m, gi, go: calls.append("a"))
    layer.register_full_backward_hook(lambda m, gi, go: calls.append("b"))
    layer.register_full_backward_hook(lambda m, gi, go: calls.append("first"), prepend=True)
    x = gg.Tensor([0.1, 0.2], requires_grad=True)
    layer(x).sum().backward()
    handle.remove()
    layer(x).sum().backward()
    assert calls == ["first", "a", "b", "first", "b"]


def test_backward_hook_wrong_number_of_gradients_raises():
    layer = nn.Tanh()
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(ValueError, match="returned 2 gradients"):
        layer(gg.Tensor([0.1], requires_grad=True)).sum().backward()


def test_docstring_examples_run():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    objects = [hooks_module, parameter_containers, nn.ModuleDict]
    for obj in objects:
        for test in finder.find(obj):
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 8 and result.failed == 0
