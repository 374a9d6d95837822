"""The value protocol (``autograd/value.py``) and the nodes Scalar records by hand.

``Scalar``'s operators build their graph nodes inline for speed instead of
going through ``Function.apply``; the tests here build every Scalar op both
ways and require the very same node and output, field by field, so a field
added to ``apply`` (or changed there) cannot be missed by the fast paths.
"""
import typing
import weakref

import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad.autograd import Function, Scalar, Tensor
from graphgrad.autograd.ops import scalar_ops as S
from graphgrad.autograd.value import Value, is_value


def _protocol_members():
    members = set(typing.get_type_hints(Value, include_extras=False, localns={
        "Function": Function, "Value": Value}))
    members.update(name for name, item in vars(Value).items()
                   if callable(item) or isinstance(item, classmethod))
    return {m for m in members if not m.startswith("__")} - {"_is_protocol"}


@pytest.mark.parametrize("value", [Tensor([1.0]), Scalar(1.0), ag.tensor(2.0, requires_grad=True)])
def test_value_types_provide_every_protocol_member(value):
    missing = [m for m in sorted(_protocol_members()) if not hasattr(value, m)]
    assert not missing, f"{type(value).__name__} lacks {missing}"
    assert value._value_type is type(value)


def test_protocol_lists_what_the_engine_uses():
    assert {"data", "grad", "requires_grad", "grad_fn", "_version", "_hooks", "_retains_grad",
            "_from_op", "_root_grad", "_fit_grad", "_run_hooks", "_accumulate_grad",
            "_wrap_grad", "_value_type"} <= _protocol_members()


@pytest.mark.parametrize("obj, expected", [
    (Tensor([1.0]), True), (Scalar(2.0), True), (ag.tensor(1.0, requires_grad=True) * 2, True),
    (np.ones(2), False), (2.0, False), (np.float64(2.0), False), (None, False),
    ([Tensor([1.0])], False), (Function(), False),
])
def test_is_value(obj, expected):
    assert is_value(obj) is expected
    assert ag.is_value(obj) is expected


def test_is_value_covers_subclasses():
    from graphgrad import nn

    assert is_value(nn.Parameter(np.ones(2)))


def test_increment_version_makes_backward_refuse_changed_inputs():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (w + 1.0).sum()   # add saves nothing: w's array stays writable (see readonly.py)
    before = w._version
    w.data *= 0.5
    ag.increment_version(w)
    assert w._version == before + 1
    with pytest.raises(ag.InplaceModificationError, match="add"):
        y.backward()


@pytest.mark.parametrize("obj", [Scalar(1.0), np.ones(2), 1.0])
def test_increment_version_refuses_non_tensors(obj):
    with pytest.raises(TypeError, match="increment_version"):
        ag.increment_version(obj)


# ---------------------------------------------------------------- Scalar's hand-built nodes
# (name, fast: the operator, slow: the same node through Function.apply)
NODE_CASES = [
    ("add", lambda a, b: a + b, lambda a, b: S.ScalarAdd.apply(a, b)),
    ("add const", lambda a, b: a + 2.5, lambda a, b: S.ScalarAdd.apply(a, 2.5)),
    ("radd const", lambda a, b: 2.5 + a, lambda a, b: S.ScalarAdd.apply(a, 2.5)),
    ("add int", lambda a, b: a + 3, lambda a, b: S.ScalarAdd.apply(a, 3)),
    ("mul", lambda a, b: a * b, lambda a, b: S.ScalarMul.apply(a, b)),
    ("mul const", lambda a, b: a * 2.5, lambda a, b: S.ScalarMul.apply(a, 2.5)),
    ("rmul const", lambda a, b: 2.5 * a, lambda a, b: S.ScalarMul.apply(a, 2.5)),
    ("mul numpy", lambda a, b: a * np.float64(2.5), lambda a, b: S.ScalarMul.apply(a, 2.5)),
    ("sub", lambda a, b: a - b, lambda a, b: S.ScalarSub.apply(a, b)),
    ("sub const", lambda a, b: a - 2.5, lambda a, b: S.ScalarSub.apply(a, 2.5)),
    ("rsub const", lambda a, b: 2.5 - a, lambda a, b: S.ScalarSub.apply(2.5, a)),
    ("div", lambda a, b: a / b, lambda a, b: S.ScalarDiv.apply(a, b)),
    ("rdiv const", lambda a, b: 2.5 / a, lambda a, b: S.ScalarDiv.apply(2.5, a)),
    ("pow", lambda a, b: a ** b, lambda a, b: S.ScalarPow.apply(a, b)),
    ("pow const", lambda a, b: a ** 3, lambda a, b: S.ScalarPow.apply(a, 3)),
    ("rpow const", lambda a, b: 2.5 ** a, lambda a, b: S.ScalarPow.apply(2.5, a)),
    ("neg", lambda a, b: -a, lambda a, b: S.ScalarNeg.apply(a)),
    ("exp", lambda a, b: a.exp(), lambda a, b: S.ScalarExp.apply(a)),
    ("log", lambda a, b: a.log(), lambda a, b: S.ScalarLog.apply(a)),
    ("tanh", lambda a, b: a.tanh(), lambda a, b: S.ScalarTanh.apply(a)),
    ("sigmoid", lambda a, b: a.sigmoid(), lambda a, b: S.ScalarSigmoid.apply(a)),
    ("relu", lambda a, b: a.relu(), lambda a, b: S.ScalarReLU.apply(a)),
]


def _slots(cls):
    names = []
    for klass in cls.__mro__:
        for name in getattr(klass, "__slots__", ()):
            if name not in ("__dict__", "__weakref__") and name not in names:
                names.append(name)
    return names


_MISSING = object()


def _same(left, right, left_out, right_out):
    """Equal field values, where references to the node's own output count as equal."""
    if isinstance(left, weakref.ref) and isinstance(right, weakref.ref):
        return left() is left_out and right() is right_out
    if isinstance(left, tuple) and isinstance(right, tuple):
        return len(left) == len(right) and all(
            _same(a, b, left_out, right_out) for a, b in zip(left, right))
    if is_value(left) or is_value(right):
        return left is right
    return type(left) is type(right) and (left == right or left != left and right != right)


def _fields(obj):
    fields = {name: getattr(obj, name, _MISSING) for name in _slots(type(obj))}
    fields.update(getattr(obj, "__dict__", {}))
    return fields


@pytest.fixture
def apply_forbidden(monkeypatch):
    """Make Function.apply raise, to prove the operators take their inline fast path."""
    def refuse(cls, *args, **kwargs):
        raise AssertionError(f"{cls.__name__}.apply was called: the fast path was not taken")

    def forbid():
        monkeypatch.setattr(Function, "apply", classmethod(refuse))

    return forbid


@pytest.mark.parametrize("name, fast, slow", NODE_CASES, ids=[c[0] for c in NODE_CASES])
@pytest.mark.parametrize("a_value", [1.5, -0.5])
def test_scalar_fast_path_builds_the_node_apply_builds(name, fast, slow, a_value,
                                                       apply_forbidden, monkeypatch):
    if name == "log" and a_value < 0:
        pytest.skip("log is undefined there")
    a, b = Scalar(a_value), Scalar(2.0)  # b: an integer power keeps a < 0 real
    reference = slow(a, b)
    apply_forbidden()
    out = fast(a, b)
    monkeypatch.undo()
    assert type(out) is type(reference) is Scalar
    # the output Scalar is its own node: the same slots (before grad_fn builds a Function
    # node from them and keeps it in _node)
    out_fields, ref_fields = _fields(out), _fields(reference)
    assert out_fields.keys() == ref_fields.keys()
    for key in out_fields:
        assert _same(out_fields[key], ref_fields[key], out, reference), (name, "output", key)
    assert type(out.grad_fn) is type(reference.grad_fn)
    node_fields, ref_node_fields = _fields(out.grad_fn), _fields(reference.grad_fn)
    assert node_fields.keys() == ref_node_fields.keys(), name
    for key in node_fields:
        assert node_fields[key] is not _MISSING or ref_node_fields[key] is _MISSING, (name, key)
        assert _same(node_fields[key], ref_node_fields[key], out, reference), (name, "node", key)
    # the same node gives the same gradients
    out.backward()
    grads = (a.grad, b.grad)
    a.grad = b.grad = 0.0
    reference.backward()
    np.testing.assert_array_equal(grads, (a.grad, b.grad))  # NaN where both are NaN


@pytest.mark.parametrize("name, fast, slow", NODE_CASES, ids=[c[0] for c in NODE_CASES])
def test_scalar_grad_fn_is_the_node_apply_records(name, fast, slow):
    """grad_fn builds from the Scalar's slots the very node Function.apply recorded.

    Anomaly mode makes Scalar keep apply's own node (with the creation site in its
    __dict__); its slots must equal those of the node built for the inline op.
    """
    a, b = Scalar(1.5), Scalar(2.0)
    with ag.detect_anomaly():
        recorded = slow(a, b).grad_fn
    built = fast(a, b).grad_fn
    assert type(built) is type(recorded)
    for key in _slots(type(built)):
        left, right = getattr(built, key, _MISSING), getattr(recorded, key, _MISSING)
        assert _same(left, right, None, None), (name, key, left, right)


def test_one_is_value_test_no_attribute_probes():
    """``is_value`` is the one test for "a graph value": no ``hasattr(x, "grad_fn")`` probes."""
    import ast
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    probes = []
    for part in ("autograd", "nn", "viz", "graphgrad"):
        for path in sorted((root / part).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id == "hasattr" and len(node.args) == 2
                        and isinstance(node.args[1], ast.Constant)
                        and node.args[1].value in ("grad_fn", "_value_type")):
                    probes.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not probes, f"use autograd.is_value instead of attribute probes: {probes}"
