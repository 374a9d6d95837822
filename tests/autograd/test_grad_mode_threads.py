"""Grad mode and anomaly mode are per thread, as PyTorch's (issue 13 item 3).

Events force the interleavings that went wrong with process-wide flags: one
thread inside ``no_grad`` while another records, two ``no_grad`` blocks exiting
out of order, ``detect_anomaly`` in one thread while another makes a NaN.
"""
import threading

import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad import nn

TIMEOUT = 30  # seconds; a thread that waits longer has deadlocked: fail, do not hang


def _run_threads(*targets):
    """Run each target in its own thread; re-raise the first exception any of them raised."""
    errors = []

    def guarded(target):
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a thread did not finish: deadlock?"
    if errors:
        raise errors[0]


def _wait(event):
    assert event.wait(TIMEOUT), "the other thread never got there"


def test_no_grad_in_one_thread_does_not_stop_recording_in_another():
    inside, recorded = threading.Event(), threading.Event()
    result = {}

    def evaluating():
        with ag.no_grad():
            inside.set()
            _wait(recorded)
            result["inner"] = ag.is_grad_enabled()

    def training():
        _wait(inside)
        w = ag.tensor([1.0, 2.0], requires_grad=True)
        ((w + 5.0) * w).sum().backward()  # d/dw = 2 w + 5
        result["grad"] = w.grad.data.tolist()
        result["enabled"] = ag.is_grad_enabled()
        recorded.set()

    _run_threads(evaluating, training)
    assert result == {"inner": False, "grad": [7.0, 9.0], "enabled": True}


def test_no_grad_blocks_exiting_out_of_order_in_two_threads_restore_each_thread():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    after = {}

    def first():
        with ag.no_grad():
            a_in.set()
            _wait(b_in)
        after["first"] = ag.is_grad_enabled()  # exits first
        a_out.set()

    def second():
        _wait(a_in)
        with ag.no_grad():
            b_in.set()
            _wait(a_out)
        after["second"] = ag.is_grad_enabled()  # exits last

    _run_threads(first, second)
    assert after == {"first": True, "second": True}
    assert ag.is_grad_enabled()  # the main thread never left grad mode


def test_a_new_thread_starts_with_grad_mode_on_and_anomaly_mode_off():
    seen = {}

    def probe():
        seen["grad"], seen["anomaly"] = ag.is_grad_enabled(), ag.is_anomaly_enabled()

    with ag.no_grad(), ag.detect_anomaly():
        _run_threads(probe)
    assert seen == {"grad": True, "anomaly": False}


def test_detect_anomaly_in_one_thread_does_not_raise_in_another():
    inside, done = threading.Event(), threading.Event()
    result = {}

    def watching():
        with ag.detect_anomaly():
            inside.set()
            _wait(done)
            with pytest.raises(ag.AnomalyError), np.errstate(invalid="ignore"):
                ag.tensor([-1.0], requires_grad=True).log()  # it still raises in its thread

    def computing():
        _wait(inside)
        with np.errstate(invalid="ignore"):
            result["value"] = ag.tensor([-1.0], requires_grad=True).log().data[0]
        done.set()

    _run_threads(watching, computing)
    assert np.isnan(result["value"])


def _train(seed, steps, inside_no_grad=None):
    """A small MLP trained with Adam on fixed data; the final parameters as arrays.

    After each step an evaluation pass runs under ``no_grad``, calling
    ``inside_no_grad()`` there.
    """
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    with ag.no_grad():
        for p in model.parameters():
            p.data = rng.normal(size=p.shape)
    x = ag.tensor(rng.normal(size=(16, 4)))
    y = ag.tensor(rng.normal(size=(16, 1)))
    opt = nn.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        with ag.no_grad():
            model(x).sum()
            if inside_no_grad is not None:
                inside_no_grad()
    return [p.data.copy() for p in model.parameters()]


def test_two_threads_train_separate_models_bit_identical_to_single_threaded_runs():
    steps = 20
    alone = {seed: _train(seed, steps) for seed in (1, 2)}
    results = {}
    # NOTE: lockstep: each thread takes a training step only while the other one waits
    # inside its no_grad block, the interleaving that a process-wide flag gets wrong.
    turns = [threading.Event(), threading.Event()]
    turns[0].set()

    def trainer(index, seed):
        def hand_over():
            turns[index].clear()
            turns[1 - index].set()
            _wait(turns[index])

        def run():
            _wait(turns[index])
            results[seed] = _train(seed, steps, hand_over)
            turns[1 - index].set()  # the other thread's last wait
        return run

    _run_threads(trainer(0, 1), trainer(1, 2))
    for seed in (1, 2):
        for ours, single in zip(results[seed], alone[seed]):
            np.testing.assert_array_equal(ours, single)


def test_the_departed_count_returns_to_zero_after_every_mode_change():
    from graphgrad.autograd import grad_mode

    assert grad_mode.departed == 0
    with ag.no_grad():
        assert grad_mode.departed == 1
        with ag.enable_grad():
            assert grad_mode.departed == 0  # back at the defaults
            with ag.detect_anomaly():
                assert grad_mode.departed == 1
        with ag.detect_anomaly():
            assert grad_mode.departed == 1  # one thread, however many modes it changed
    inside, leave = threading.Event(), threading.Event()

    def away():
        with ag.no_grad():
            inside.set()
            _wait(leave)

    thread = threading.Thread(target=away)
    thread.start()
    _wait(inside)
    with ag.no_grad():
        assert grad_mode.departed == 2
        x = ag.tensor([1.0], requires_grad=True)
        assert not (x * 2.0).requires_grad
    assert ag.is_grad_enabled() and (x * 2.0).requires_grad  # read from this thread's modes
    leave.set()
    thread.join(TIMEOUT)
    assert grad_mode.departed == 0


def test_concurrent_backward_passes_into_one_leaf_lose_no_sum():
    # each pass adds 1 to every element of w.grad; numpy's += releases the GIL on large
    # arrays, so without the engine's write lock about 1 run in 2 lost some of the 160
    w = ag.tensor(np.zeros((400, 400)), requires_grad=True)
    passes, threads = 40, 4

    def work():
        for _ in range(passes):
            (w * 1.0).sum().backward()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    np.testing.assert_array_equal(w.grad.data, np.full((400, 400), passes * threads))
