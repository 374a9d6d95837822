"""Module: registration by attribute, traversal, modes, freezing, containers and repr."""
from collections import OrderedDict

import numpy as np
import pytest

import graphgrad
from graphgrad import autograd, nn
from graphgrad.autograd import Tensor


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2, bias=False)
        self.scale = nn.Parameter(np.ones(2, dtype=np.float32))
        self.register_buffer("running_mean", np.zeros(2, dtype=np.float32))
        self.register_buffer("scratch", np.zeros(1, dtype=np.float32), persistent=False)
        self.note = "plain attribute"

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.heads = nn.ModuleList([nn.Linear(2, 1), nn.Linear(2, 1)])
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        h = self.drop(self.block(x))
        return [head(h) for head in self.heads]


def test_module_named_parameters_dotted_in_registration_order():
    names = [name for name, _ in Net().named_parameters()]
    assert names == ["block.scale", "block.fc1.weight", "block.fc1.bias", "block.fc2.weight",
                     "heads.0.weight", "heads.0.bias", "heads.1.weight", "heads.1.bias"]


def test_module_own_parameters_come_before_childrens():
    # PyTorch's order: a module's own parameters, then each child's, depth first.
    names = [name for name, _ in Block().named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "fc2.weight"]


def test_module_parameters_are_leaves_that_require_grad():
    for p in Net().parameters():
        assert isinstance(p, nn.Parameter) and p.is_leaf and p.requires_grad
        assert p.dtype == np.float32


def test_module_buffers_and_state_dict_keys():
    block = Block()
    assert [n for n, _ in block.named_buffers()] == ["running_mean", "scratch"]
    keys = list(block.state_dict())
    assert "running_mean" in keys and "scratch" not in keys  # non-persistent: not saved
    assert "note" not in keys


def test_module_children_and_modules():
    net = Net()
    assert [name for name, _ in net.named_children()] == ["block", "heads", "drop"]
    paths = [path for path, _ in net.named_modules()]
    assert paths == ["", "block", "block.fc1", "block.act", "block.fc2", "heads", "heads.0",
                     "heads.1", "drop"]
    assert list(net.modules())[0] is net


def test_module_shared_parameter_listed_once():
    seq = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    seq[1].weight = seq[0].weight
    assert len(list(seq.parameters())) == 3


def test_module_train_eval_recursive():
    net = Net()
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="bool"):
        net.train("no")


def test_module_zero_grad_sets_none_or_zeros():
    net = Block()
    net(Tensor(np.ones((2, 3), dtype=np.float32))).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.data == 0) for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_module_freezing_leaves_layer_out_of_backward():
    net = Block()
    net.fc1.requires_grad_(False)
    net(Tensor(np.ones((2, 3), dtype=np.float32))).sum().backward()
    assert net.fc1.weight.grad is None and net.fc1.bias.grad is None
    assert net.fc2.weight.grad is not None


def test_module_setattr_rejects_plain_tensor_over_parameter():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="nn.Parameter or None"):
        layer.weight = Tensor(np.zeros((2, 2)))
    layer.bias = None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]


def test_module_without_super_init_gets_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Broken()


def test_module_missing_attribute_message():
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'weights'"):
        _ = nn.Linear(2, 2).weights


def test_module_forward_not_defined():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(1)


def test_module_register_buffer_validates():
    m = nn.Module()
    with pytest.raises(KeyError, match="'.'"):
        m.register_buffer("a.b", None)
    with pytest.raises(TypeError, match="buffer"):
        m.register_buffer("a", [1, 2])
    m.register_buffer("a", None)
    assert "a" not in m.state_dict()


def test_module_double_and_float_cast_parameters():
    net = Block().double()
    assert all(t.dtype == np.float64 for t in list(net.parameters()) + list(net.buffers()))
    assert net.float().fc1.weight.dtype == np.float32


def test_sequential_indexing_slicing_and_forward():
    seq = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    assert len(seq) == 3 and isinstance(seq[-1], nn.Linear)
    assert isinstance(seq[:2], nn.Sequential) and len(seq[:2]) == 2
    x = Tensor(np.ones((5, 3), dtype=np.float32))
    np.testing.assert_allclose(seq(x).data, seq[2](seq[1](seq[0](x))).data)
    with pytest.raises(IndexError, match="out of range"):
        seq[3]


def test_sequential_with_ordered_dict_names():
    seq = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 3)), ("out", nn.Linear(3, 1))]))
    assert list(seq.state_dict()) == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]


def test_modulelist_append_insert_delete_renumber():
    ml = nn.ModuleList([nn.ReLU()])
    ml.append(nn.Tanh()).extend([nn.Sigmoid()])
    ml.insert(0, nn.Linear(1, 1))
    assert [type(m).__name__ for m in ml] == ["Linear", "ReLU", "Tanh", "Sigmoid"]
    del ml[1]
    assert [name for name, _ in ml.named_children()] == ["0", "1", "2"]
    assert list(ml.state_dict()) == ["0.weight", "0.bias"]


def test_module_repr_like_pytorch():
    seq = nn.Sequential(nn.Linear(64, 10), nn.ReLU(), nn.Dropout(0.2), nn.Flatten())
    assert repr(seq) == ("Sequential(\n"
                         "  (0): Linear(in_features=64, out_features=10, bias=True)\n"
                         "  (1): ReLU()\n"
                         "  (2): Dropout(p=0.2, inplace=False)\n"
                         "  (3): Flatten(start_dim=1, end_dim=-1)\n"
                         ")")
    assert repr(nn.Sequential(nn.Sequential(nn.Tanh()))) == (
        "Sequential(\n  (0): Sequential(\n    (0): Tanh()\n  )\n)")
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(nn.Parameter(np.zeros(1, dtype=np.float32))).startswith("Parameter containing:")


def test_parameter_wraps_tensor_and_array():
    t = Tensor(np.arange(3.0))
    p = nn.Parameter(t)
    assert p.data is t.data and p.requires_grad
    assert not nn.Parameter(np.zeros(2), requires_grad=False).requires_grad
    with pytest.raises(autograd.DtypeError):
        nn.Parameter(np.arange(3))


def test_module_deepcopy_is_independent():
    import copy
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    clone = copy.deepcopy(model)
    assert isinstance(clone[0].weight, nn.Parameter) and clone[0].weight is not model[0].weight
    np.testing.assert_array_equal(clone[0].weight.data, model[0].weight.data)
    clone(Tensor(np.ones((1, 2), dtype=np.float32))).sum().backward()
    assert clone[0].weight.grad is not None and model[0].weight.grad is None


def test_load_state_dict_writes_in_place_and_an_older_graph_refuses_backward():
    model = nn.Linear(3, 2)
    weight = model.weight
    x = Tensor(np.ones((4, 3), dtype=np.float32))
    loss = model(x).sum()
    new = {"weight": np.arange(6.0).reshape(2, 3), "bias": np.zeros(2)}  # float64 arrays
    model.load_state_dict(new)
    assert model.weight is weight and weight.dtype == np.float32
    np.testing.assert_array_equal(weight.data, new["weight"].astype(np.float32))
    with pytest.raises(autograd.InplaceModificationError):
        loss.backward()
    model(x).sum().backward()  # a graph recorded after the load is fine
    np.testing.assert_array_equal(weight.grad.data, np.full((2, 3), 4.0))


def test_replacing_a_child_keeps_its_place_in_a_sequential():
    seq = nn.Sequential(OrderedDict(a=nn.Linear(2, 2), act=nn.ReLU(), b=nn.Linear(2, 2)))
    seq.a = nn.Linear(2, 2)
    seq.add_module("b", nn.Linear(2, 2))
    assert [name for name, _ in seq.named_children()] == ["a", "act", "b"]
    x = Tensor(np.array([[1.0, -2.0]], np.float32))
    np.testing.assert_array_equal(seq(x).data, seq.b(seq.act(seq.a(x))).data)


def test_replacing_a_parameter_or_buffer_keeps_its_place():
    block = Block()
    block.fc1.weight = nn.Parameter(np.zeros((4, 3), dtype=np.float32))
    block.register_parameter("scale", nn.Parameter(np.ones(2, dtype=np.float32)))
    block.register_buffer("running_mean", np.ones(2, dtype=np.float32))
    assert [name for name, _ in block.named_parameters()] == [
        "scale", "fc1.weight", "fc1.bias", "fc2.weight"]
    assert list(block.state_dict()) == [
        "scale", "running_mean", "fc1.weight", "fc1.bias", "fc2.weight"]


def test_replacement_order_matches_torch():
    torch = pytest.importorskip("torch")

    def orders(lib, make_parameter):
        model = lib.nn.Sequential(OrderedDict(
            a=lib.nn.Linear(2, 2), act=lib.nn.ReLU(), b=lib.nn.Linear(2, 2)))
        model.a = lib.nn.Linear(2, 2)
        model.b.weight = make_parameter(np.zeros((2, 2), dtype=np.float32))
        return ([name for name, _ in model.named_children()],
                [name for name, _ in model.named_parameters()], list(model.state_dict()))

    ours = orders(graphgrad, nn.Parameter)
    theirs = orders(torch, lambda a: torch.nn.Parameter(torch.from_numpy(a)))
    assert ours == theirs
