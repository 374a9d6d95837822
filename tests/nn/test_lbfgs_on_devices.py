"""LBFGS on array-api-strict: its flat vectors live on the parameters' device.

The same problem solved on numpy and on a device gives the same parameters and losses
(the same operations in the same order); on ``device1`` any copy of a vector to numpy
would raise, and the parameters are updated in place (the same array objects).
"""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn
from graphgrad.autograd import backend
from graphgrad.autograd.devices import device_of

pytest.importorskip("array_api_strict")

DEVICES = ["array_api_strict:CPU_DEVICE", "array_api_strict:device1",
           "array_api_strict:no_float64"]


def _solve(device, dtype, line_search_fn, steps=2):
    rng = np.random.default_rng(7)
    a = gg.tensor(rng.standard_normal((6, 3)).astype(dtype), device=device)
    b = gg.tensor(rng.standard_normal(6).astype(dtype), device=device)
    w = nn.Parameter(gg.tensor(np.zeros(3, dtype), device=device).data)
    c = nn.Parameter(gg.tensor(np.ones(1, dtype), device=device).data)
    arrays = (w.data, c.data)
    opt = nn.optim.LBFGS([w, c], lr=0.5, max_iter=5, history_size=3,
                         line_search_fn=line_search_fn)

    def closure():
        opt.zero_grad()
        loss = (((a @ w + c - b) ** 2).mean() + (w ** 4).sum() * 0.1)
        loss.backward()
        return loss

    losses = [opt.step(closure).item() for _ in range(steps)]
    assert w.data is arrays[0] and c.data is arrays[1]  # updated in place
    return losses, [backend.to_host(p.data) for p in (w, c)], opt


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("device", DEVICES)
def test_lbfgs_on_a_device_matches_numpy(device, line_search_fn):
    dtype = np.float32 if device.endswith("no_float64") else np.float64
    losses, params, _ = _solve("cpu", dtype, line_search_fn)
    got_losses, got_params, opt = _solve(device, dtype, line_search_fn)
    assert got_losses == losses
    for got, want in zip(got_params, params):
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, want)
    state = opt.state[opt.param_groups[0]["params"][0]]
    assert state["n_iter"] > 2  # it iterated: the history has pairs
    for key in ("d", "prev_flat_grad"):
        assert device_of(state[key]) == device
    assert all(device_of(v) == device for v in state["old_dirs"] + state["old_stps"])


def test_lbfgs_state_dict_round_trip_on_a_device():
    device = "array_api_strict:device1"
    _, _, opt = _solve(device, np.float64, "strong_wolfe", steps=1)
    saved = opt.state_dict()["state"][0]
    assert device_of(saved["d"]) == device
    live = opt.state[opt.param_groups[0]["params"][0]]
    assert saved["d"] is not live["d"]  # deep-copied on the device
    np.testing.assert_array_equal(backend.to_host(saved["d"]), backend.to_host(live["d"]))
