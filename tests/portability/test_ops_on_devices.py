"""Every op of ``op_specs.SPECS`` on array-api-strict: forward and gradient match numpy.

Four devices of array-api-strict (the standard's reference implementation on the CPU):

- ``array_api_strict`` (its ``CPU_DEVICE``): an op that calls anything outside the
  standard (an array method, a numpy-only function) fails here;
- ``array_api_strict:device1``: a second, fake device; turning one of its arrays into a
  numpy array raises, so any silent copy to numpy and back fails here;
- ``array_api_strict:no_float64``: no float64 at all; the op runs in float32 and is
  compared at float32 tolerances (see ``device_checks.py``);
- ``array_api_strict:no_x64``: no 64-bit numbers at all (JAX's default): float32, and
  int32 index arrays (``backend.index_dtype``); integer inputs are given as int32 and
  integer results are expected in int32 (``device_checks.device_int``).

Specs that do not run on a device yet are listed in ``not_portable.txt`` and marked
``xfail(strict=True)``: one passing unexpectedly fails until its line is removed, so the
list only shrinks. Hypothesis draws fewer cases than the numpy tests (they cover the
values; these cover the library calls): a fifth of the profile's examples, the same
ones every run under the ``ci`` profile (derandomized, no shrinking), so an xfail's
outcome never depends on luck.
"""
import os
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import graphgrad.autograd as ag
from tests.autograd.op_specs import SPECS, cases
from tests.portability.device_checks import check_on_device, has_float64

pytest.importorskip("array_api_strict")

DEVICES = ["array_api_strict", "array_api_strict:device1", "array_api_strict:no_float64",
           "array_api_strict:no_x64"]
NOT_PORTABLE_FILE = Path(__file__).with_name("not_portable.txt")
_CI_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci"
EXAMPLES = max(1, settings.default.max_examples // 5)


def read_not_portable(path=NOT_PORTABLE_FILE):
    """The ``(spec name, device)`` pairs listed in ``path`` (comments and blanks skipped)."""
    pairs = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 2:
            raise ValueError(f"{path.name}:{number}: expected 'spec_name device', got {line!r}")
        pairs.append((fields[0], fields[1]))
    return pairs


NOT_PORTABLE = read_not_portable()
LISTED = set(NOT_PORTABLE)


def _skip_reason(spec, device):
    if not has_float64(ag.device(device)) and not spec.keeps_dtype:
        return "the op makes float64 by definition; this device has none"
    return None


def _cases():
    for spec in SPECS:
        for device in DEVICES:
            marks = []
            reason = _skip_reason(spec, device)
            if reason is not None:
                marks.append(pytest.mark.skip(reason=reason))
            elif (spec.name, device) in LISTED:
                marks.append(pytest.mark.xfail(
                    strict=True, reason=f"listed in {NOT_PORTABLE_FILE.name}: remove the line "
                                        "once the op runs there"))
            yield pytest.param(spec, device, marks=marks, id=f"{spec.name}-{device}")


CASES = list(_cases())


class NotPortable(Exception):
    """A listed spec failed on its device (the expected outcome; the message says how)."""


def _check_with_hypothesis(spec, where):
    """The hypothesis test of ``spec`` on ``where``: cases drawn as the numpy tests do."""
    @settings(max_examples=EXAMPLES, derandomize=_CI_PROFILE, database=None,
              phases=[Phase.explicit, Phase.generate] if _CI_PROFILE else list(Phase))
    @given(data=st.data())
    def check(data):
        arrays, kwargs = data.draw(cases(spec, max_side=3))
        seed = data.draw(st.integers(0, 2**32 - 1))
        check_on_device(spec, arrays, kwargs, where, seed)
    return check


@pytest.mark.parametrize("spec, device", CASES)
def test_op_on_device_matches_numpy(spec, device):
    check = _check_with_hypothesis(spec, ag.device(device))
    if (spec.name, device) not in LISTED:
        check()
        return
    try:
        check()
    except Exception as exc:  # any failure is the listed, expected one
        # NOTE: re-raised short and without its traceback: pytest formats the traceback of
        # every xfail, ~1 s each through hypothesis's frames (10 minutes for the list).
        raise NotPortable(f"{type(exc).__name__}: {str(exc)[:200]}") from None


# ---------------------------------------------------------------- the list itself
def test_not_portable_list_names_existing_specs_and_devices_once():
    names = {spec.name for spec in SPECS}
    for name, device in NOT_PORTABLE:
        assert name in names, f"{NOT_PORTABLE_FILE.name}: no spec named {name!r}; remove it"
        assert device in DEVICES, f"{NOT_PORTABLE_FILE.name}: {device!r} is not one of {DEVICES}"
        assert _skip_reason(next(s for s in SPECS if s.name == name), device) is None, (
            f"{NOT_PORTABLE_FILE.name}: {name} {device} is skipped anyway; remove the line")
    assert len(NOT_PORTABLE) == len(set(NOT_PORTABLE)), f"{NOT_PORTABLE_FILE.name}: a repeated line"


def test_spec_names_are_unique_so_each_line_means_one_spec():
    names = [spec.name for spec in SPECS]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
