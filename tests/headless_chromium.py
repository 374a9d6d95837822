"""Debian's headless Chromium driven by Selenium, shared by the browser tests (tests/viz,
tests/docs): skips locally without one, fails under CI (a browser test must run there)."""
import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest


def unavailable(reason: str) -> None:
    """Skip locally; under CI (env var CI set) a missing browser is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the browser test may not skip: {reason}")
    pytest.skip(reason)


def chromium(window_size: str = "") -> Iterator:
    """Yield a started headless Chromium WebDriver with console logging on; quit it after."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        unavailable(f"selenium is not installed ({exc}); pip install selenium")
    chrome = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (os.path.exists(chrome) and os.path.exists(driver_path)):
        unavailable("no chromium/chromedriver found; apt-get install chromium chromium-driver")
    profile = tempfile.mkdtemp(prefix="graphgrad-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}"]
    if window_size:
        flags.append(f"--window-size={window_size}")
    for flag in flags:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
    except Exception as exc:  # noqa: BLE001 - any start-up failure means "no browser here"
        shutil.rmtree(profile, ignore_errors=True)
        unavailable(f"headless chromium could not be started: {type(exc).__name__}: {exc}")
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
