"""Random sequences of valid and invalid operations never leave a tensor inconsistent.

A hypothesis ``RuleBasedStateMachine`` creates a few tensors, derives new ones
(reshape / getitem / transpose chains, arithmetic), modifies them in place
inside and outside ``no_grad``, assigns into them, zeroes them, flips
``requires_grad``, runs backward with and without ``retain_graph`` and tries
shape ops that must fail. After every step:

* ``grad`` is None or a Tensor of the same shape and dtype as ``data``;
* ``is_leaf`` is ``grad_fn is None``; a tensor with a ``grad_fn`` requires grad;
* ``_version`` never decreases, grows by exactly one on each successful
  in-place change of that tensor, and does not move otherwise;
* a tensor whose values changed in place had its version bumped;
* an operation that raises leaves every tensor's data, grad and version as
  they were.
"""
import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

import graphgrad.autograd as ag

EXPECTED_ERRORS = (ValueError, TypeError, IndexError, ag.AutogradError)
SHAPES = [(), (3,), (2, 3), (3, 1), (1, 3)]
MAX_TENSORS = 12


def snapshot(t):
    grad = None if t.grad is None else (t.grad.data.copy(), t.grad.dtype)
    return (t.data.copy(), t.data.dtype, t.data.shape, grad, t._version, t.requires_grad,
            t.grad_fn)


def same_snapshot(a, b):
    data_a, dtype_a, shape_a, grad_a, *rest_a = a
    data_b, dtype_b, shape_b, grad_b, *rest_b = b
    if dtype_a != dtype_b or shape_a != shape_b or rest_a != rest_b:
        return False
    if not np.array_equal(data_a, data_b, equal_nan=True):
        return False
    if (grad_a is None) != (grad_b is None):
        return False
    return grad_a is None or (grad_a[1] == grad_b[1]
                              and np.array_equal(grad_a[0], grad_b[0], equal_nan=True))


class TensorLifecycle(RuleBasedStateMachine):
    """Tensors under random valid and invalid operations."""

    tensors = Bundle("tensors")

    def __init__(self):
        super().__init__()
        self.all = []  # every tensor created, to check invariants on all of them
        self.versions = {}  # id -> last version seen

    # ---------------------------------------------------------------- helpers
    def track(self, t):
        self.all.append(t)
        self.versions[id(t)] = t._version
        return t

    def run(self, action, changed=()):
        """Run ``action``; on error nothing may change, on success only ``changed`` bumps.

        Returns the action's result, or None when it raised an expected error.
        """
        before = {id(t): snapshot(t) for t in self.all}
        try:
            result = action()
        except EXPECTED_ERRORS as exc:
            for t in self.all:
                assert same_snapshot(before[id(t)], snapshot(t)), (
                    f"{type(exc).__name__} ({exc}) left a tensor of shape {t.shape} changed")
            return None
        changed_ids = {id(t) for t in changed}
        for t in self.all:
            old_version = before[id(t)][4]
            if id(t) in changed_ids:
                assert t._version == old_version + 1, (
                    f"in-place change moved version {old_version} -> {t._version}, not by one")
            else:
                assert t._version == old_version, (
                    f"version of an untouched tensor moved {old_version} -> {t._version}")
                assert np.array_equal(before[id(t)][0], t.data, equal_nan=True) or (
                    before[id(t)][2] != t.data.shape), (
                    f"values of a tensor of shape {t.shape} changed without a version bump "
                    "(it shares memory with the tensor modified in place)")
        return result

    # ---------------------------------------------------------------- creating
    @initialize(target=tensors)
    def first_leaf(self):
        return self.track(ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True))

    @precondition(lambda self: len(self.all) < MAX_TENSORS)
    @rule(target=tensors, shape=st.sampled_from(SHAPES), dtype=st.sampled_from(["f4", "f8"]),
          requires_grad=st.booleans(), seed=st.integers(0, 2**16))
    def new_leaf(self, shape, dtype, requires_grad, seed):
        data = np.random.default_rng(seed).uniform(0.5, 2.0, shape).astype(dtype)
        return self.track(ag.Tensor(data, requires_grad=requires_grad))

    @precondition(lambda self: len(self.all) < MAX_TENSORS)
    @rule(target=tensors, t=tensors, kind=st.sampled_from(
        ["mul", "tanh", "reshape", "flatten-back", "getitem", "transpose", "sum-axis", "clone",
         "detach", "astype"]))
    def derive(self, t, kind):
        ops = {
            "mul": lambda: t * 2.0 + 1.0,
            "tanh": lambda: t.tanh(),
            "reshape": lambda: t.reshape(-1),
            "flatten-back": lambda: t.reshape(-1).reshape(t.shape),
            "getitem": lambda: t[..., :1] if t.ndim else t[()],
            "transpose": lambda: t.T,
            "sum-axis": lambda: t.sum(axis=-1, keepdims=True) if t.ndim else t.sum(),
            "clone": lambda: t.clone(),
            "detach": lambda: t.detach(),
            "astype": lambda: t.astype(np.float64),
        }
        out = self.run(ops[kind])
        assert out is not None, f"{kind} of a tensor of shape {t.shape} failed"
        return self.track(out)

    # ---------------------------------------------------------------- invalid shape ops
    @rule(t=tensors, kind=st.sampled_from(
        ["reshape", "getitem", "transpose", "matmul", "add", "sum-axis", "expand", "squeeze"]))
    def invalid_shape_op(self, t, kind):
        bad = {
            "reshape": lambda: t.reshape(t.size + 1),
            "getitem": lambda: t[(0,) * (t.ndim + 1)],
            "transpose": lambda: t.transpose(*([0] * (t.ndim + 2))),
            "matmul": lambda: t.reshape(1, -1) @ ag.ones(t.size + 1, 2, dtype=t.dtype),
            "add": lambda: t.reshape(1, -1).expand(2, t.size) + ag.ones(3, t.size, dtype=t.dtype),
            "sum-axis": lambda: t.sum(axis=t.ndim + 1),
            "expand": lambda: t.expand(*([7] * (t.ndim + 1))).reshape(3, 3, 3, 3, 3),
            "squeeze": lambda: (t.reshape(1, -1).squeeze(1) if t.size != 1
                                else t.reshape(-1, 1, 1).squeeze(5)),
        }
        before = {id(x): snapshot(x) for x in self.all}
        with pytest.raises(EXPECTED_ERRORS):
            bad[kind]()
        for x in self.all:
            assert same_snapshot(before[id(x)], snapshot(x)), f"failed {kind} changed a tensor"

    # ---------------------------------------------------------------- in place
    @rule(t=tensors, op=st.sampled_from(["+=", "-=", "*=", "/="]),
          other_shape=st.sampled_from(SHAPES + [(4,), (2, 2)]), inside_no_grad=st.booleans(),
          other_requires_grad=st.booleans())
    def inplace(self, t, op, other_shape, inside_no_grad, other_requires_grad):
        other = ag.Tensor(np.full(other_shape, 1.5, dtype=t.dtype),
                          requires_grad=other_requires_grad)

        def action():
            x = t
            if op == "+=":
                x += other
            elif op == "-=":
                x -= other
            elif op == "*=":
                x *= other
            else:
                x /= other
            assert x is t, f"{op} must return the same tensor"
            return x

        if inside_no_grad:
            with ag.no_grad():
                self.run(action, changed=[t])
        else:
            self.run(action, changed=[t])

    @rule(t=tensors, inside_no_grad=st.booleans(), value_kind=st.sampled_from(
        ["scalar", "row", "bad-shape", "string"]))
    def setitem(self, t, inside_no_grad, value_kind):
        values = {"scalar": 7.0, "row": np.full(t.shape[-1:] if t.ndim else (), 3.0),
                  "bad-shape": np.ones((5, 4)), "string": "abc"}
        index = (0,) * min(t.ndim, 1) if t.ndim else ()

        def action():
            t[index] = values[value_kind]

        if inside_no_grad:
            with ag.no_grad():
                self.run(action, changed=[t])
        else:
            self.run(action, changed=[t])

    @rule(t=tensors, inside_no_grad=st.booleans())
    def zero(self, t, inside_no_grad):
        if inside_no_grad:
            with ag.no_grad():
                self.run(t.zero_, changed=[t])
        else:
            self.run(t.zero_, changed=[t])

    # ---------------------------------------------------------------- graph
    @rule(t=tensors, flag=st.booleans())
    def requires_grad_(self, t, flag):
        result = self.run(lambda: t.requires_grad_(flag))
        if result is not None:
            assert result is t and t.requires_grad == (flag or t.grad_fn is not None)

    @rule(t=tensors, retain_graph=st.booleans())
    def backward(self, t, retain_graph):
        self.run(lambda: t.sum().backward(retain_graph=retain_graph))

    @rule(t=tensors, u=tensors, retain_graph=st.booleans())
    def backward_of_two(self, t, u, retain_graph):
        """Two graphs joined: an error in one must not leave gradients from the other."""
        self.run(lambda: (t.sum() + u.sum()).backward(retain_graph=retain_graph))

    @rule(t=tensors)
    def clear_grad(self, t):
        t.grad = None

    # ---------------------------------------------------------------- invariants
    @invariant()
    def tensors_are_consistent(self):
        for t in self.all:
            assert isinstance(t.data, np.ndarray)
            assert t.is_leaf == (t.grad_fn is None)
            if t.grad_fn is not None:
                assert t.requires_grad
            if t.requires_grad:
                assert t.dtype.kind == "f"
            if t.grad is not None:
                assert isinstance(t.grad, ag.Tensor)
                assert t.grad.shape == t.shape, f"grad shape {t.grad.shape} != {t.shape}"
                assert t.grad.dtype == t.dtype, f"grad dtype {t.grad.dtype} != {t.dtype}"
            assert t._version >= self.versions[id(t)], "version went backwards"
            self.versions[id(t)] = t._version


# NOTE: each run is milliseconds, so take at least 100 of them even under the quick profile.
_profile = settings()
TensorLifecycle.TestCase.settings = settings(
    _profile, max_examples=max(_profile.max_examples, 100), stateful_step_count=40)
test_tensor_lifecycle = TensorLifecycle.TestCase
