"""A headless Chromium for the viz tests (skips locally without one, fails under CI)."""
import pytest
from headless_chromium import chromium


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Selenium, with console logging on."""
    yield from chromium()
