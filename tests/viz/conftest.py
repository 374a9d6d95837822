"""A headless Chromium for the viz tests (skips locally without one, fails under CI)."""
import os
import shutil
import tempfile

import pytest
from viz_helpers import unavailable as _unavailable


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Selenium, with console logging on."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        _unavailable(f"selenium is not installed ({exc}); pip install selenium")
    chrome = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (os.path.exists(chrome) and os.path.exists(driver_path)):
        _unavailable("no chromium/chromedriver found; apt-get install chromium chromium-driver")
    profile = tempfile.mkdtemp(prefix="viz-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
    except Exception as exc:  # noqa: BLE001 - any start-up failure means "no browser here"
        shutil.rmtree(profile, ignore_errors=True)
        _unavailable(f"headless chromium could not be started: {type(exc).__name__}: {exc}")
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
