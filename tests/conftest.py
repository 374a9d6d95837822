"""Shared test setup: hypothesis profiles, a guard on autograd's grad mode, gc fixtures.

Profiles: ``ci`` (default, 25 examples) and ``thorough`` (500 examples);
choose one with ``HYPOTHESIS_PROFILE=thorough``.
"""
import gc
import os

import pytest
from ci_skips import torch_skip_as_failure
from hypothesis import HealthCheck, settings

from graphgrad import autograd

settings.register_profile("ci", max_examples=25, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=500, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def grad_mode_unchanged():
    """Fail a test that leaves grad mode on or off other than it found it."""
    before = autograd.is_grad_enabled()
    yield
    after = autograd.is_grad_enabled()
    if after != before:
        # NOTE: restore first, so one leaky test does not fail every test after it.
        autograd.set_grad_enabled(before)
        pytest.fail(f"the test left grad mode {'enabled' if after else 'disabled'} "
                    f"(it was {'enabled' if before else 'disabled'} before); use "
                    "`with autograd.no_grad():` rather than set_grad_enabled(False)")


@pytest.fixture
def cycle_collector_off():
    """Run with the cycle collector off: only reference counting may free anything."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@pytest.fixture(autouse=True)
def library_seed_restored():
    """Give the library's generator back as the test found it (manual_seed is global)."""
    from graphgrad.autograd import random

    generator = random._generator
    yield
    random._generator = generator


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    torch_skip_as_failure(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    torch_skip_as_failure(outcome.get_result())
