"""The engine's public "after this backward pass" callback queue (queue_callback)."""
import doctest
import threading

import numpy as np
import pytest

import graphgrad.autograd as ag


def test_callback_runs_once_after_every_grad_is_written():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor(3.0, requires_grad=True)
    seen = []

    def hook(grad):
        # NOTE: inside the pass no .grad is written yet; the callback sees all of them.
        seen.append(("hook", a.grad is None, b.grad is None))
        ag.queue_callback(lambda: seen.append(("callback", a.grad.tolist(), float(b.grad))))

    a.register_hook(hook)
    (a * b).sum().backward()
    assert seen == [("hook", True, True), ("callback", [3.0, 3.0], 3.0)]


def test_callbacks_run_in_queue_order_and_may_queue_more():
    x = ag.tensor([1.0], requires_grad=True)
    order = []

    def first():
        order.append(1)
        ag.queue_callback(lambda: order.append(3))

    def hook(grad):
        ag.queue_callback(first)
        ag.queue_callback(lambda: order.append(2))

    x.register_hook(hook)
    (2 * x).sum().backward()
    assert order == [1, 2, 3]


def test_callbacks_of_one_pass_do_not_leak_into_the_next():
    x = ag.tensor([1.0], requires_grad=True)
    calls = []
    handle = x.register_hook(lambda g: ag.queue_callback(lambda: calls.append("pass")))
    (2 * x).sum().backward()
    handle.remove()
    (2 * x).sum().backward()
    assert calls == ["pass"]
    assert ag.current_backward() is None


def test_current_backward_tells_backward_from_autograd_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    kinds = []
    x.register_hook(lambda g: kinds.append(ag.current_backward().accumulates))
    (x * x).sum().backward()
    ag.grad((x * x).sum(), x)
    assert kinds == [True, False]


def test_autograd_grad_runs_callbacks_before_returning():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    ran = []
    x.register_hook(lambda g: ag.queue_callback(lambda: ran.append(g.data.copy())))
    (dx,) = ag.grad((x * x).sum(), x)
    assert len(ran) == 1 and np.array_equal(ran[0], dx.data)
    assert x.grad is None


def test_nested_pass_has_its_own_queue():
    outer = ag.tensor([1.0], requires_grad=True)
    inner = ag.tensor([2.0], requires_grad=True)
    order = []
    inner.register_hook(lambda g: ag.queue_callback(lambda: order.append("inner")))

    def hook(grad):
        ag.queue_callback(lambda: order.append("outer"))
        with ag.enable_grad():  # hooks run with grad mode off, as PyTorch's
            (inner * inner).sum().backward()  # a pass inside a hook
        order.append("inner done")

    outer.register_hook(hook)
    (3 * outer).sum().backward()
    assert order == ["inner", "inner done", "outer"]


def test_failed_pass_drops_its_callbacks_and_writes_no_grad():
    x = ag.tensor([1.0], requires_grad=True)
    y = ag.tensor([1.0], requires_grad=True)
    ran = []

    def queue_then_fail(grad):
        raise RuntimeError("hook failed")

    x.register_hook(lambda g: ag.queue_callback(lambda: ran.append(1)))
    y.register_hook(queue_then_fail)
    with pytest.raises(RuntimeError, match="hook failed"):
        (x * y).sum().backward()
    assert ran == [] and x.grad is None and ag.current_backward() is None
    (2 * x).sum().backward()  # the next pass starts clean
    assert ran == [1]


def test_a_failing_callback_propagates_and_leaves_no_pass_running():
    x = ag.tensor([1.0], requires_grad=True)

    def bad():
        raise ValueError("callback failed")

    x.register_hook(lambda g: ag.queue_callback(bad))
    with pytest.raises(ValueError, match="callback failed"):
        (2 * x).sum().backward()
    assert ag.current_backward() is None


def test_queue_callback_outside_a_pass_is_refused():
    with pytest.raises(ag.GradientError, match="queue_callback: no backward pass"):
        ag.queue_callback(lambda: None)


def test_queue_callback_refuses_a_non_callable():
    x = ag.tensor([1.0], requires_grad=True)
    x.register_hook(lambda g: ag.queue_callback(42))
    with pytest.raises(ag.GradientError, match="expected a callable, got int"):
        (2 * x).sum().backward()
    assert x.grad is None


def test_scalar_backward_runs_callbacks():
    a = ag.Scalar(2.0)
    got = []
    a.register_hook(lambda g: ag.queue_callback(lambda: got.append(a.grad)))
    (a * a).backward()
    assert got == [4.0]


def test_passes_on_other_threads_are_invisible():
    x = ag.tensor([1.0], requires_grad=True)
    seen = []
    started, release = threading.Event(), threading.Event()

    def hook(grad):
        started.set()
        release.wait(10)

    x.register_hook(hook)
    worker = threading.Thread(target=lambda: (2 * x).sum().backward())
    worker.start()
    assert started.wait(10)
    seen.append(ag.current_backward())
    release.set()
    worker.join(10)
    assert seen == [None]


@pytest.mark.parametrize("function", [ag.current_backward, ag.queue_callback])
def test_docstring_examples_run(function):
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(function, globs={})
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0
