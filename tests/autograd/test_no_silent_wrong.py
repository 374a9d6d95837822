"""Issue 13: each case once found giving a silently wrong gradient, as a named regression test.

Items 1, 2, 7, 9 and 10 of the issue (and issue 21's in-place updates through ``.data``).
Where PyTorch gives a number, the test compares with torch when it is installed.
"""
import gc
import math

import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad import nn
from graphgrad.autograd.functional import hessian


def leaf(value, dtype=np.float64):
    return ag.tensor(np.asarray(value, dtype=dtype), requires_grad=True)


# ---------------------------------------------------------------- case 1: saved values by position
def test_case1_constant_aliasing_variable_scalar_div():
    two = 2.0
    a = ag.Scalar(two)               # a.data is the very float object `two`
    (d1,) = ag.grad(two / a, a, create_graph=True)
    (d2,) = ag.grad(d1, a)
    assert d1.data == pytest.approx(-0.5)
    assert d2.data == pytest.approx(0.5)   # d2/da2 (2 / a) = 4 / a^3


def test_case1_constant_aliasing_variable_scalar_pow():
    two = 2.0
    a = ag.Scalar(two)
    (d1,) = ag.grad(two ** a, a, create_graph=True)
    (d2,) = ag.grad(d1, a)
    assert d1.data == pytest.approx(4 * math.log(2))
    assert d2.data == pytest.approx(4 * math.log(2) ** 2)


def test_case1_constant_aliasing_variable_hessian_is_zero():
    c = np.array([2.0, 3.0])
    h = hessian(lambda t: (c * t).sum(), ag.Tensor(c))
    np.testing.assert_array_equal(h.data, np.zeros((2, 2)))


def test_case1_constant_aliasing_variable_data_times_tensor():
    x = leaf([1.0, 2.0])
    (g,) = ag.grad((x.data * x).sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.data, [1.0, 2.0])
    assert not g.requires_grad          # x.data is a constant: d2/dx2 = 0, as x.detach() * x


def test_case1_constant_aliasing_variable_tensor_pow():
    c = np.array(2.0)
    t = ag.Tensor(c, requires_grad=True)
    (d1,) = ag.grad(c ** t, t, create_graph=True)
    (d2,) = ag.grad(d1, t)
    assert d2.item() == pytest.approx(4 * math.log(2) ** 2)


def test_case1_same_tensor_twice_still_second_order():
    x = leaf([1.0, -2.0])
    (g,) = ag.grad((x * x * x).sum(), x, create_graph=True)   # 3 x^2
    (h,) = ag.grad(g.sum(), x)                                 # 6 x
    np.testing.assert_allclose(h.data, [6.0, -12.0])


# ---------------------------------------------------------------- case 2: writes the version missed
def test_case2a_detach_shares_buffer_optimizer_step_before_backward():
    x = leaf([1.0, 2.0, 3.0])
    w = nn.Parameter(np.array([1.0, 2.0, 3.0]))
    w.grad = ag.tensor(np.ones(3))
    opt = nn.optim.SGD([w], lr=10.0)
    loss = (x * w.detach()).sum()
    opt.step()
    loss.backward()
    # the loss was computed with w = [1, 2, 3]; its gradient is that w, never the updated one
    np.testing.assert_array_equal(x.grad.data, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(w.data, [-9.0, -8.0, -7.0])


@pytest.mark.parametrize("update", ["accumulate", "zero_grad"])
def test_case2b_grad_updated_in_place_while_a_graph_saved_it(update):
    w = leaf([1.0, 2.0])
    (w * w).sum().backward()                     # w.grad = [2, 4]
    x = leaf([0.0, 0.0])
    y = (x * w.grad).sum()                       # saves w.grad's array
    if update == "accumulate":
        (w * w).sum().backward()                 # w.grad = [4, 8]
    else:
        nn.optim.SGD([w], lr=0.1).zero_grad(set_to_none=False)
    y.backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])


def test_case2c_load_state_dict_between_forward_and_backward_is_loud():
    model = nn.Linear(2, 1)
    other = nn.Linear(2, 1).state_dict()
    out = model(ag.tensor(np.ones((1, 2), dtype=np.float32))).sum()
    model.load_state_dict(other)
    with pytest.raises(ag.InplaceModificationError):
        out.backward()


def test_case2d_tensor_returned_by_hook_is_copied_into_grad():
    w = leaf([1.0, 2.0])
    mine = ag.tensor(np.array([5.0, 5.0]))
    w.register_hook(lambda g: mine)
    (w * w).sum().backward()
    (w * w).sum().backward()
    np.testing.assert_array_equal(mine.data, [5.0, 5.0])
    np.testing.assert_array_equal(w.grad.data, [10.0, 10.0])


@pytest.mark.parametrize("handle", ["asarray", "numpy", "data", "detach"])
def test_case2e_write_through_numpy_view_after_recording_is_loud(handle):
    w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (w * w).sum()
    array = {"asarray": lambda: np.asarray(w), "numpy": w.numpy, "data": lambda: w.data,
             "detach": lambda: w.detach().data}[handle]()
    with pytest.raises(ValueError, match="read-only"):
        array[:] += 10
    y.backward()
    np.testing.assert_array_equal(w.grad.data, [2.0, 4.0, 6.0])


def test_case2e_arrays_writable_again_once_the_graph_is_freed():
    w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (w * w).sum()
    y.backward()
    w.data[:] += 10                      # the graph's saved arrays were released
    np.testing.assert_array_equal(w.data, [11.0, 12.0, 13.0])
    z = (w * 2.0).sum()
    del z                                # a graph dropped without backward unlocks as well
    gc.collect()
    w.data[0] = 0.0
    assert w.data[0] == 0.0


def test_case2e_user_constant_saved_by_graph_is_read_only():
    c = np.array([2.0, 3.0])
    x = leaf([1.0, 1.0])
    y = (c * x).sum()
    with pytest.raises(ValueError, match="read-only"):
        c[0] = 100.0
    y.backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 3.0])
    c[0] = 100.0                         # freed: the user's array is writable again


def test_case2e_intermediate_saved_by_graph_is_read_only():
    x = leaf([1.0, 2.0])
    y = x * 2.0
    z = (y * y).sum()
    with pytest.raises(ValueError, match="read-only"):
        y.data[0] = 5.0
    z.backward()
    np.testing.assert_array_equal(x.grad.data, [8.0, 16.0])


def test_case2a_view_of_detached_parameter_keeps_old_values():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    w = nn.Parameter(np.array([[1.0, 2.0], [3.0, 4.0]]))
    w.grad = ag.tensor(np.ones((2, 2)))
    loss = (x * w.detach().reshape(4)).sum()        # saves a numpy view of w's array
    nn.optim.SGD([w], lr=1.0).step()
    loss.backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(w.data, [[0.0, 1.0], [2.0, 3.0]])


def test_case2_optimizer_never_corrupts_a_live_graph():
    w = nn.Parameter(np.array([1.0, 2.0]))
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    nn.optim.SGD([w], lr=0.5).step()     # w -> [0, 0]: a new buffer, version bumped
    np.testing.assert_array_equal(w.data, [0.0, 0.0])
    with pytest.raises(ag.InplaceModificationError):
        loss.backward()


def test_case2_init_on_a_saved_parameter_keeps_the_graph_right():
    w = nn.Parameter(np.array([1.0, 2.0]))
    loss = (w * w).sum()
    nn.init.zeros_(w)
    np.testing.assert_array_equal(w.data, [0.0, 0.0])
    with pytest.raises(ag.InplaceModificationError):
        loss.backward()


# ---------------------------------------------------------------- issue 21: updates through .data
def test_issue21_data_in_place_update_with_a_tensor_gradient():
    p = nn.Parameter(np.array([1.0, 2.0]))
    (p * p).sum().backward()
    p.data += -0.5 * p.grad
    np.testing.assert_array_equal(p.data, [0.0, 0.0])
    p.data[...] = 3.0
    np.testing.assert_array_equal(p.data, [3.0, 3.0])
    p.data *= 2
    np.testing.assert_array_equal(p.data, [6.0, 6.0])


def test_issue21_data_update_while_a_live_graph_saved_it_is_loud():
    p = nn.Parameter(np.array([1.0, 2.0]))
    loss = (p * p).sum()
    with pytest.raises(ValueError, match="read-only"):
        p.data += 1.0
    loss.backward()
    np.testing.assert_array_equal(p.grad.data, [2.0, 4.0])


def test_issue21_in_place_methods_on_a_parameter():
    p = nn.Parameter(np.array([1.0, 2.0]))
    with ag.no_grad():
        version = p._version
        assert p.add_(ag.tensor(np.array([1.0, 1.0])), alpha=2.0) is p
        np.testing.assert_array_equal(p.data, [3.0, 4.0])
        p.mul_(0.5).sub_(1.0).div_(2.0)
        np.testing.assert_array_equal(p.data, [0.25, 0.5])
        p.fill_(7.0)
        np.testing.assert_array_equal(p.data, [7.0, 7.0])
        p.copy_(np.array([1.0, -1.0]))
        np.testing.assert_array_equal(p.data, [1.0, -1.0])
        p.uniform_(-1.0, 1.0)
        assert np.all(np.abs(p.data) <= 1.0)
        p.normal_(0.0, 1.0)
        assert p._version == version + 8


# ---------------------------------------------------------------- case 7: hooks and in-place ops
def test_case7_hook_before_in_place_sees_old_value_gradient():
    x = leaf([1.0, 1.0])
    y = x * 1.0
    y.register_hook(lambda g: g.clip(-1, 1))
    y *= 3
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])
    torch = pytest.importorskip("torch")
    tx = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
    ty = tx * 1.0
    ty.register_hook(lambda g: g.clamp(-1, 1))
    ty *= 3
    ty.sum().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())


def test_case7_hook_after_in_place_sees_new_value_gradient():
    x = leaf([1.0, 1.0])
    y = x * 1.0
    y *= 3
    seen = []
    y.register_hook(lambda g: seen.append(g.data.copy()))
    (y * 2.0).sum().backward()
    np.testing.assert_array_equal(seen[0], [2.0, 2.0])
    np.testing.assert_array_equal(x.grad.data, [6.0, 6.0])


# ---------------------------------------------------------------- case 9: state kept by rules
def _arrays_held(node):
    """Bytes of the numpy arrays a node holds itself (not through its input Tensors)."""
    total, stack, seen = 0, list(gc.get_referents(node)), set()
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, (ag.Tensor, type)):
            continue
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            total += item.nbytes
        elif isinstance(item, (tuple, list, dict)):
            stack.extend(item.values() if isinstance(item, dict) else item)
    return total


KEEPERS = {
    "max": lambda x: x.max(axis=0),
    "min": lambda x: x.min(),
    "logsumexp": lambda x: x.logsumexp(axis=1),
    "where": lambda x: ag.where(x > 0, x, 0.0),
    "getitem_int_array": lambda x: x[np.arange(0, 1000, 2)],
    "getitem_mask": lambda x: x[x.data > 0],
    "clip_array_bounds": lambda x: x.clip(np.full(x.shape, -0.5), np.full(x.shape, 0.5)),
}


@pytest.mark.parametrize("name", sorted(KEEPERS))
def test_case9_state_kept_by_a_rule_is_freed_after_backward(name):
    rng = np.random.default_rng(0)
    x = leaf(rng.standard_normal((1000, 1000)), dtype=np.float32)
    out = KEEPERS[name](x)
    node = out.grad_fn
    out.sum().backward()
    assert _arrays_held(node) == 0
    with pytest.raises(ag.GraphFreedError):
        out.sum().backward()


def test_case9_max_over_1000x1000_keeps_no_mask():
    x = leaf(np.random.default_rng(1).standard_normal((1000, 1000)))
    out = x.max()
    node = out.grad_fn
    assert _arrays_held(node) >= 1000 * 1000          # the mask is there until backward
    out.backward()
    assert _arrays_held(node) == 0


def test_case9_retain_graph_keeps_state_for_a_second_backward():
    x = leaf([[1.0, 3.0], [3.0, 2.0]])
    out = x.max(axis=1).sum()
    out.backward(retain_graph=True)
    out.backward()
    np.testing.assert_array_equal(x.grad.data, [[0.0, 2.0], [2.0, 0.0]])


# ---------------------------------------------------------------- case 10: bad values
@pytest.mark.parametrize("bad", ["a string", object(), np.array([1, 2, 3]),
                                 np.array(["a", "b", "c"]), [1.0, 2.0, 3.0]])
def test_case10_hook_returning_bad_value_names_the_hook(bad):
    x = leaf([1.0, 2.0, 3.0])
    x.register_hook(lambda g: bad)
    with pytest.raises((TypeError, ag.AutogradError), match="hook"):
        (x * x).sum().backward()
    assert x.grad is None


@pytest.mark.parametrize("bad", ["a string", object(), np.array([1.0, 2.0])])
def test_case10_scalar_hook_returning_bad_value_names_the_hook(bad):
    a = ag.Scalar(2.0)
    a.register_hook(lambda g: bad)
    with pytest.raises(ag.GradientError, match="hook"):
        (a * a).backward()
    assert a.grad == 0.0


def test_case10_hook_returning_float_or_float_array_is_coerced():
    s = ag.tensor(np.float32(2.0), requires_grad=True)
    s.register_hook(lambda g: 1.0)
    (s * s).backward()
    assert s.grad.dtype == np.float32 and s.grad.item() == 1.0
    x = ag.tensor([1.0, 2.0], requires_grad=True)          # float32
    x.register_hook(lambda g: np.array([0.5, 0.25]))       # float64, same shape
    (x * x).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, [0.5, 0.25])


def test_case10_list_operands_work_in_backward():
    x = leaf([1.0, 2.0, 3.0])
    (x ** [1, 2, 3]).sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0, 4.0, 27.0])
    x.grad = None
    ag.maximum(x, [2.0, 2.0, 2.0]).sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.5, 1.0])
    m = leaf([[1.0, 2.0, 3.0]])
    (m @ [[1.0], [2.0], [3.0]]).sum().backward()
    np.testing.assert_allclose(m.grad.data, [[1.0, 2.0, 3.0]])
    torch = pytest.importorskip("torch")
    tx = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    (tx ** torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(tx.grad.numpy(), [1.0, 4.0, 27.0])


OPTIMIZERS = {
    "SGD": lambda ps: nn.optim.SGD(ps, lr=0.1, momentum=0.9),
    "Adam": lambda ps: nn.optim.Adam(ps, lr=0.1),
    "AdamW": lambda ps: nn.optim.AdamW(ps, lr=0.1),
    "RMSprop": lambda ps: nn.optim.RMSprop(ps, lr=0.1),
    "Adagrad": lambda ps: nn.optim.Adagrad(ps, lr=0.1),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("bad_grad", ["0-d", "wrong_shape", "int", "bool", "ndarray"])
def test_case10_optimizer_validates_every_grad_before_updating_any(name, bad_grad):
    good = nn.Parameter(np.ones((3, 4)))
    bad = nn.Parameter(np.ones((3, 4)))
    good.grad = ag.tensor(np.ones((3, 4)))
    bad.grad = {"0-d": ag.tensor(np.float64(1.0)), "wrong_shape": ag.tensor(np.ones((4, 3))),
                "int": ag.tensor(np.ones((3, 4), dtype=np.int64)),
                "bool": ag.tensor(np.ones((3, 4), dtype=bool)),
                "ndarray": np.ones((3, 4))}[bad_grad]
    opt = OPTIMIZERS[name]([good, bad])
    with pytest.raises((ag.AutogradError, TypeError), match=f"{name}.*params\\[1\\]"):
        opt.step()
    np.testing.assert_array_equal(good.data, np.ones((3, 4)))
    np.testing.assert_array_equal(bad.data, np.ones((3, 4)))
    assert opt.state == {} or all(s.get("step", 0) == 0 for s in opt.state.values())
