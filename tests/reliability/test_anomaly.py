"""detect_anomaly(): the first NaN or inf raises, naming op, phase, shapes and the user's line.

Each op whose site the message must name is tagged with a ``# site: <tag>``
comment; ``line_of(tag)`` finds that line in this file, so the expected line
number is never hard-coded.
"""
import os
import warnings

import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad.autograd import AnomalyError

THIS_FILE = os.path.abspath(__file__)


def line_of(tag):
    """The line number of this file's line tagged ``# site: <tag>``."""
    with open(THIS_FILE, encoding="utf-8") as source:
        hits = [n for n, line in enumerate(source, 1) if line.rstrip().endswith(f"# site: {tag}")]
    assert len(hits) == 1, f"tag {tag!r} must mark exactly one line, found {hits}"
    return hits[0]


def assert_names_site(message, op, phase, kind, tag, shape):
    assert message.startswith(f"{op}:"), message
    assert f"{kind} produced in {phase}" in message, message
    assert str(shape) in message, message
    assert f'File "{THIS_FILE}", line {line_of(tag)}' in message, message


@pytest.fixture(autouse=True)
def quiet_numpy():
    """The ops below produce NaN/inf on purpose; numpy's warnings are expected noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def test_anomaly_forward_nan_names_op_and_line():
    x = ag.tensor([-1.0, 2.0, 3.0], requires_grad=True)
    with ag.detect_anomaly(), pytest.raises(AnomalyError) as info:
        ag.log(x)  # site: forward-nan
    assert_names_site(str(info.value), "log", "forward", "NaN", "forward-nan", (3,))


def test_anomaly_forward_inf_names_op_and_line():
    x = ag.tensor([[1000.0, 0.0]], requires_grad=True)
    with ag.detect_anomaly(), pytest.raises(AnomalyError) as info:
        x.exp()  # site: forward-inf
    assert_names_site(str(info.value), "exp", "forward", "inf", "forward-inf", (1, 2))


def test_anomaly_forward_checked_without_requires_grad():
    x = ag.tensor([0.0, 1.0])
    with ag.detect_anomaly(), pytest.raises(AnomalyError) as info:
        1.0 / x  # site: forward-div
    assert_names_site(str(info.value), "div", "forward", "inf", "forward-div", (2,))


def test_anomaly_backward_inf_from_sqrt_at_zero():
    x = ag.tensor([0.0, 4.0], requires_grad=True)
    with ag.detect_anomaly():
        y = ag.sqrt(x)  # site: backward-inf
        loss = y.sum()
        with pytest.raises(AnomalyError) as info:
            loss.backward()
    assert_names_site(str(info.value), "sqrt", "backward", "inf", "backward-inf", (2,))
    assert x.grad is None  # the leaf never received the bad gradient


def test_anomaly_backward_nan_from_zero_times_sqrt_at_zero():
    # d/dx (0 * sqrt(x)) at 0 is 0 * inf = NaN in the sqrt rule, although the forward is finite.
    x = ag.tensor([0.0, 1.0], dtype=np.float64, requires_grad=True)
    with ag.detect_anomaly():
        y = ag.sqrt(x) * 0.0  # site: backward-nan-mul
        r = ag.sqrt(x)  # site: backward-nan
        loss = (r * 0.0).sum() + y.sum()
        with pytest.raises(AnomalyError) as info:
            loss.backward()
    message = str(info.value)
    assert "NaN produced in backward" in message and message.startswith("sqrt:"), message
    # both sqrt nodes are broken; backward reaches one of the two first
    lines = {line_of("backward-nan"), line_of("backward-nan-mul")}
    assert any(f'File "{THIS_FILE}", line {n}' in message for n in lines), message


def test_anomaly_backward_nan_in_custom_function():
    class BadRule(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * np.nan

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.detect_anomaly():
        y = BadRule.apply(x)  # site: custom
        with pytest.raises(AnomalyError) as info:
            y.sum().backward()
    assert_names_site(str(info.value), "badrule", "backward", "NaN", "custom", (2,))


def test_anomaly_backward_under_create_graph():
    x = ag.tensor([0.0, 1.0], dtype=np.float64, requires_grad=True)
    with ag.detect_anomaly():
        y = ag.sqrt(x)  # site: create-graph
        with pytest.raises(AnomalyError) as info:
            ag.grad(y.sum(), x, create_graph=True)
    assert_names_site(str(info.value), "sqrt", "backward", "inf", "create-graph", (2,))


def test_anomaly_second_order_rule():
    # d/dx of x^3 is finite everywhere; the second backward through pow's rule at x = 0
    # meets 0 ** -1 = inf inside the rule only when the exponent drops below zero.
    x = ag.tensor([0.0, 2.0], dtype=np.float64, requires_grad=True)
    with ag.detect_anomaly():
        y = x ** 0.5  # site: second-order
        with pytest.raises(AnomalyError) as info:
            ag.grad(y.sum(), x, create_graph=True)
    message = str(info.value)
    assert message.startswith("pow:") and "backward" in message, message
    assert f'line {line_of("second-order")}' in message, message


def test_anomaly_is_an_arithmetic_error():
    assert issubclass(AnomalyError, FloatingPointError)
    assert issubclass(AnomalyError, ag.AutogradError)


def test_no_creation_site_recorded_outside_anomaly_mode():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.log(x)
    assert not hasattr(y.grad_fn, "created_at")
    assert "created_at" not in vars(y.grad_fn)


def test_no_check_outside_anomaly_mode():
    x = ag.tensor([-1.0, 0.0], requires_grad=True)
    y = ag.log(x)  # NaN and -inf, silently, as numpy
    y.sum().backward()
    assert np.isnan(y.data[0]) and np.isinf(y.data[1])
    assert not hasattr(y.grad_fn, "created_at")


def test_anomaly_mode_restored_after_error():
    x = ag.tensor([-1.0], requires_grad=True)
    with pytest.raises(AnomalyError):
        with ag.detect_anomaly():
            ag.log(x)
    assert not ag.is_anomaly_enabled()


def test_anomaly_decorator_and_nesting():
    @ag.detect_anomaly()
    def inner():
        assert ag.is_anomaly_enabled()
        return ag.log(ag.tensor([1.0], requires_grad=True))

    y = inner()
    assert hasattr(y.grad_fn, "created_at") and "inner" in y.grad_fn.created_at
    assert not ag.is_anomaly_enabled()
    with ag.detect_anomaly():
        with ag.detect_anomaly():
            pass
        assert ag.is_anomaly_enabled()
    assert not ag.is_anomaly_enabled()


def test_anomaly_finite_graph_runs_normally():
    x = ag.tensor([0.5, 2.0], dtype=np.float64, requires_grad=True)
    with ag.detect_anomaly():
        (ag.log(x) * ag.sqrt(x)).sum().backward()
    expected = np.sqrt(x.data) / x.data + np.log(x.data) / (2 * np.sqrt(x.data))
    np.testing.assert_allclose(x.grad.data, expected)
