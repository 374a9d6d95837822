"""The fused (``foreach=True``) update equals the per-parameter one bit for bit.

Both paths run the same ufuncs with the same scalars on the same values, so the
parameters and every state buffer must be identical (``np.array_equal``, not a tolerance)
over generated shapes (0-d, size-1 axes, empty), dtypes, hyper-parameters, gradients with
many exact zeros, parameters that miss a gradient on some steps, param groups, and a
``state_dict`` / ``load_state_dict`` round trip before continuing.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphgrad.autograd import Tensor
from graphgrad.nn.optim import SGD, Adam, AdamW
from graphgrad.nn.optim._multi_tensor import FUSE_BELOW

shapes = st.lists(st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple),
                  min_size=1, max_size=5)
fractions = st.sampled_from([0.0, 0.1, 0.5, 0.9])
sgd_kwargs = st.builds(
    lambda lr, momentum, dampening, wd, nesterov, maximize: dict(
        lr=lr, momentum=momentum, dampening=0.0 if nesterov else dampening, weight_decay=wd,
        nesterov=nesterov and momentum > 0, maximize=maximize),
    st.sampled_from([0.01, 0.3]), fractions, fractions, fractions, st.booleans(),
    st.booleans())
adam_kwargs = st.builds(
    lambda lr, b1, b2, wd, amsgrad, maximize, eps: dict(
        lr=lr, betas=(b1, b2), weight_decay=wd, amsgrad=amsgrad, maximize=maximize, eps=eps),
    st.sampled_from([1e-3, 0.1]), st.sampled_from([0.0, 0.5, 0.9]),
    st.sampled_from([0.0, 0.9, 0.999]), fractions, st.booleans(), st.booleans(),
    st.sampled_from([1e-8, 1e-3]))
cases = st.one_of(st.tuples(st.just(SGD), sgd_kwargs), st.tuples(st.just(Adam), adam_kwargs),
                  st.tuples(st.just(AdamW), adam_kwargs))


def _grads(rng, shapes, dtype, steps, skip):
    """Per step, per parameter: an array with ~half exact zeros, or None (no grad)."""
    out = []
    for step in range(steps):
        row = []
        for i, shape in enumerate(shapes):
            if skip and (step + i) % 3 == 0:
                row.append(None)
                continue
            g = rng.standard_normal(shape)
            g[rng.random(shape) < 0.5] = 0.0
            row.append(g.astype(dtype))
        out.append(row)
    return out


def _run(cls, kwargs, foreach, init, grads, groups=1, start=None):
    """Optimize copies of ``init``; return the params, the optimizer and its state_dict."""
    params = [Tensor(w.copy(), requires_grad=True) for w in init]
    if groups == 1:
        opt = cls(params, foreach=foreach, **kwargs)
    else:  # a second group with its own learning rate
        opt = cls([{"params": params[::2]}, {"params": params[1::2], "lr": 0.05}],
                  foreach=foreach, **kwargs)
    if start is not None:
        opt.load_state_dict(start)
    for row in grads:
        for p, g in zip(params, row):
            p.grad = None if g is None else Tensor(g)
        opt.step()
    return params, opt


def _assert_identical(a, b):
    params_a, opt_a = a
    params_b, opt_b = b
    for i, (p, q) in enumerate(zip(params_a, params_b)):
        assert p.data.dtype == q.data.dtype
        np.testing.assert_array_equal(p.data, q.data, err_msg=f"params[{i}]", strict=True)
    sa, sb = opt_a.state_dict()["state"], opt_b.state_dict()["state"]
    assert sa.keys() == sb.keys()
    for key in sa:
        assert sa[key].keys() == sb[key].keys()
        for name, value in sa[key].items():
            if isinstance(value, np.ndarray):
                np.testing.assert_array_equal(value, sb[key][name], strict=True,
                                              err_msg=f"state[{key}][{name!r}]")
            else:
                assert value == sb[key][name], (key, name)


@given(cases, shapes, st.sampled_from([np.float32, np.float64]), st.booleans(),
       st.integers(1, 2), st.integers(0, 2**32 - 1))
def test_fused_update_equals_the_per_parameter_update_bit_for_bit(case, shapes, dtype, skip,
                                                                  groups, seed):
    cls, kwargs = case
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = _grads(rng, shapes, dtype, 5, skip)
    if groups == 2 and len(shapes) < 2:
        groups = 1
    fused = _run(cls, kwargs, True, init, grads, groups)
    _assert_identical(fused, _run(cls, kwargs, False, init, grads, groups))
    if not skip:  # every step had all gradients: the fused path ran, on flat buffers
        assert fused[1]._flat_groups


@given(cases, shapes, st.booleans(), st.integers(0, 2**32 - 1))
def test_state_dict_round_trip_then_continue_is_identical_across_paths(case, shapes, skip,
                                                                      seed):
    cls, kwargs = case
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    first, then = _grads(rng, shapes, np.float32, 3, skip), _grads(rng, shapes, np.float32,
                                                                   3, skip)
    params, opt = _run(cls, kwargs, True, init, first)
    snapshot = opt.state_dict()
    middle = [p.data.copy() for p in params]
    # continue the same optimizer, and resume fused and per-parameter ones from the snapshot
    for row in then:
        for p, g in zip(params, row):
            p.grad = None if g is None else Tensor(g)
        opt.step()
    for foreach in (True, False):
        resumed = _run(cls, kwargs, foreach, middle, then, start=snapshot)
        _assert_identical((params, opt), resumed)


def test_fused_state_is_views_of_one_flat_buffer_and_survives_replacement():
    params = [Tensor(np.ones(s, np.float32), requires_grad=True) for s in [(2, 3), (3,), ()]]
    opt = Adam(params, lr=0.1, foreach=True)
    for p in params:
        p.grad = Tensor(np.full(p.shape, 0.5, np.float32))
    opt.step()
    flat = next(iter(opt._flat_groups.values()))
    assert all(np.shares_memory(opt.state[p]["exp_avg"], flat.buffers["exp_avg"])
               for p in params)
    # replaced from outside (as load_state_dict does): the next fused step adopts the copy
    opt.state[params[0]]["exp_avg"] = np.full((2, 3), 7.0, np.float32)
    reference = Adam([Tensor(p.data.copy(), requires_grad=True) for p in params], lr=0.1,
                     foreach=False)
    reference.load_state_dict(opt.state_dict())
    for p, q in zip(params, reference.param_groups[0]["params"]):
        p.grad = Tensor(np.full(p.shape, -0.25, np.float32))
        q.grad = Tensor(np.full(p.shape, -0.25, np.float32))
    opt.step()
    reference.step()
    for p, q in zip(params, reference.param_groups[0]["params"]):
        np.testing.assert_array_equal(p.data, q.data, strict=True)
    assert np.shares_memory(opt.state[params[0]]["exp_avg"], flat.buffers["exp_avg"])


@pytest.mark.parametrize("cls", [SGD, Adam, AdamW])
def test_foreach_none_fuses_small_groups_only(cls):
    small = [Tensor(np.zeros(s, np.float32), requires_grad=True) for s in [(4, 4), (4,)]]
    large = [Tensor(np.zeros(s, np.float32), requires_grad=True)
             for s in [(FUSE_BELOW,), (4,)]]
    alone = [Tensor(np.zeros(3, np.float32), requires_grad=True)]
    for params, fused in ((small, True), (large, False), (alone, False)):
        opt = cls(params, lr=0.1)
        for p in params:
            p.grad = Tensor(np.ones(p.shape, np.float32))
        opt.step()
        assert bool(opt._flat_groups) is fused, [p.shape for p in params]
        assert opt.param_groups[0]["foreach"] is None


def test_mixed_dtypes_take_the_per_parameter_path_with_the_same_result():
    init = [np.ones(3, np.float32), np.ones(2, np.float64)]
    results = []
    for foreach in (True, False):
        params = [Tensor(w.copy(), requires_grad=True) for w in init]
        opt = SGD(params, lr=0.1, momentum=0.9, foreach=foreach)
        for _ in range(2):
            for p in params:
                p.grad = Tensor(np.full(p.shape, 0.5, p.dtype))
            opt.step()
        assert not opt._flat_groups
        results.append([p.data for p in params])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b, strict=True)


def test_fused_step_bumps_versions_so_an_older_graph_refuses_backward():
    from graphgrad.autograd import InplaceModificationError
    params = [Tensor(np.ones(2, np.float32), requires_grad=True) for _ in range(2)]
    opt = SGD(params, lr=0.1, foreach=True)
    loss = (params[0] * params[1]).sum()
    for p in params:
        p.grad = Tensor(np.ones(2, np.float32))
    opt.step()
    assert opt._flat_groups
    with pytest.raises(InplaceModificationError):
        loss.backward()


@pytest.mark.parametrize("bad", [1, "yes", 0.5])
def test_foreach_must_be_a_bool_or_none(bad):
    with pytest.raises(TypeError, match="SGD: foreach must be True, False or None"):
        SGD([Tensor(np.ones(2), requires_grad=True)], foreach=bad)


@pytest.mark.parametrize("cls", [SGD, Adam, AdamW])
def test_fused_update_matches_torch_foreach(cls):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    init = [rng.standard_normal(s) for s in [(3, 2), (2,), ()]]
    kwargs = dict(lr=0.05, weight_decay=0.1)
    kwargs.update({"momentum": 0.9, "nesterov": True} if cls is SGD else {"amsgrad": True})
    ours = [Tensor(w.copy(), requires_grad=True) for w in init]
    theirs = [torch.tensor(w.copy(), requires_grad=True) for w in init]
    opt = cls(ours, foreach=True, **kwargs)
    ref = getattr(torch.optim, cls.__name__)(theirs, foreach=True, **kwargs)
    for step in range(6):
        for p, q in zip(ours, theirs):
            g = np.sin(p.data * 3 + step)
            p.grad, q.grad = Tensor(g), torch.tensor(g)
        opt.step()
        ref.step()
    assert opt._flat_groups
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_a_copied_optimizer_continues_like_the_original_and_shares_nothing(how):
    import copy
    import pickle
    params = [Tensor(np.linspace(-1, 1, n).astype(np.float32), requires_grad=True)
              for n in (3, 4)]
    opt = Adam(params, lr=0.1, foreach=True)
    for step in range(2):
        for p in params:
            p.grad = Tensor(np.cos(p.data + step))
        opt.step()
    twin = copy.deepcopy(opt) if how == "deepcopy" else pickle.loads(pickle.dumps(opt))
    assert not twin._flat_groups
    twins = twin.param_groups[0]["params"]
    for step in range(2, 4):
        for p, q in zip(params, twins):
            p.grad = Tensor(np.cos(p.data + step))
            q.grad = Tensor(np.cos(q.data + step))
        opt.step()
        twin.step()
    for p, q in zip(params, twins):
        assert not np.shares_memory(p.data, q.data)
        np.testing.assert_array_equal(p.data, q.data, strict=True)
        for name in ("exp_avg", "exp_avg_sq"):
            assert not np.shares_memory(opt.state[p][name], twin.state[q][name])
            np.testing.assert_array_equal(opt.state[p][name], twin.state[q][name], strict=True)
