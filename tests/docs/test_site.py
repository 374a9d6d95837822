"""The documentation site builds without a warning, works offline, and reads in a browser.

One build per session (the ``site`` fixture below). Checked: no page
loads anything from the network; every internal link and image points at a built file;
the index, API pages, concept pages and every tutorial (found by glob, so new ones are
covered) open in headless Chromium without console errors, with every image and SVG
drawn at a non-zero size; the step-by-step backprop page embedded in tutorial 01 steps
forward and back.

The build runs ``sphinx-build -W`` (every warning is an error) with GRAPHGRAD_DOCS_QUICK=1
(the tutorials shrink their data and epochs) into a temporary folder. Without the docs
extra these tests skip locally and fail under CI=true, like the browser tests.
"""
import html.parser
import importlib.util
import os
import pathlib
import re
import subprocess
import sys
import time
import urllib.parse

import pytest
from headless_chromium import chromium, unavailable

# NOTE: the fixtures live here, not in a tests/docs/conftest.py: a second module named
# conftest imported before tests/test_ci_torch_skips.py would shadow tests/conftest.py there.
ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # http:, https:, mailto:, data:


class Site:
    """A built site: its html folder, the build log and how long the build took."""

    def __init__(self, html: pathlib.Path, log: str, seconds: float):
        self.html = html
        self.log = log
        self.seconds = seconds

    def pages(self, pattern: str = "**/*.html") -> list[pathlib.Path]:
        return sorted(p for p in self.html.glob(pattern) if "_static" not in p.parts)


def _docs_extra_missing():
    missing = [name for name in ("sphinx", "myst_nb", "jupytext", "matplotlib", "sklearn")
               if importlib.util.find_spec(name) is None]
    return missing


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    missing = _docs_extra_missing()
    if missing:
        unavailable(f"the docs extra is not installed (missing {missing}); "
                    "pip install -e '.[docs]'")
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, GRAPHGRAD_DOCS_QUICK="1", OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", PYTHONWARNINGS="")
    # -j auto: every extension is parallel-read safe (MyST-NB executes the notebooks in the
    # workers too); see the README's Documentation for what the build spends its time on
    command = [sys.executable, "-m", "sphinx", "-j", "auto", "-W", "--keep-going", "-q",
               "-b", "html", "-d", str(out / "doctrees"), str(DOCS), str(out / "html")]
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    log = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"sphinx-build -W failed (exit {result.returncode}) after {seconds:.0f} s:"
                    f"\n{log[-6000:]}")
    return Site(out / "html", log, seconds)


@pytest.fixture(scope="session")
def site_browser():
    """One Chromium for the session's site pages, 1400 px wide as a laptop window."""
    yield from chromium(window_size="1400,1000")


class _Refs(html.parser.HTMLParser):
    """The URLs a page links to or loads, with the tag and attribute they came from."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, name, value))


def _refs(page):
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.refs


def test_every_public_name_has_its_api_page(site):
    import sys

    sys.path.insert(0, str(DOCS / "_ext"))
    import public_api

    generated = site.html / "api" / "generated"
    missing = [full for full, _ in public_api.public_objects()
               if not (generated / f"{full}.html").is_file()]
    missing += [m for m in public_api.API_MODULES if not (generated / f"{m}.html").is_file()]
    assert missing == []
    print(f"site built in {site.seconds:.1f} s, load average {os.getloadavg()[0]:.1f}")  # -s


def test_every_tutorial_and_concept_source_has_its_page(site):
    for folder in ("tutorials", "concepts"):
        sources = {p.stem for p in (DOCS / folder).glob("*.md")}
        built = {p.stem for p in (site.html / folder).glob("*.html")}  # + pages they wrote
        assert sources and sources <= built, (folder, sorted(sources - built))
    assert (site.html / "index.html").exists()
    assert (site.html / "api" / "generated" / "graphgrad.autograd.Tensor.html").exists()


def test_no_page_loads_anything_from_the_network(site):
    loaded = [(page.relative_to(site.html), tag, url) for page in site.pages()
              for tag, attr, url in _refs(page)
              if (tag != "a" and attr in ("src", "href")) and re.match(r"^(https?:)?//", url)]
    assert loaded == [], loaded[:20]


def test_every_internal_link_and_image_resolves_to_a_built_file(site):
    broken = []
    for page in site.pages():
        for tag, _, url in _refs(page):
            if EXTERNAL.match(url) or url.startswith("#"):
                continue
            path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
            if not path:
                continue
            target = (page.parent / path).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site.html)}: <{tag}> {url}")
    assert broken == [], broken[:30]


def _pages_to_open(site):
    pages = [site.html / "index.html",
             site.html / "api" / "index.html",
             site.html / "api" / "generated" / "graphgrad.nn.html",
             site.html / "api" / "generated" / "graphgrad.autograd.Tensor.html"]
    pages += site.pages("concepts/*.html") + site.pages("tutorials/*.html")
    return pages


_MEASURE = """
const visible = el => {
  const style = getComputedStyle(el);
  return style.display !== 'none' && style.visibility !== 'hidden';
};
const size = el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
const images = [...document.images].map(img => ({
  src: img.getAttribute('src'), complete: img.complete, natural: img.naturalWidth,
  size: size(img), shown: visible(img)}));
// top-level SVGs (a picture), not the <svg> inside another one
const svgs = [...document.querySelectorAll('svg')].filter(s => !s.parentElement.closest('svg'))
  .map(svg => ({id: svg.id, cls: svg.getAttribute('class'), size: size(svg),
                shown: visible(svg)}));
return {images, svgs};
"""


def _settle(browser):
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight);")
    browser.execute_script("window.scrollTo(0, 0);")


@pytest.fixture(scope="module")
def opened(site, site_browser):
    """Every page to open: (relative path, console errors, images, svgs)."""
    results = {}
    for page in _pages_to_open(site):
        site_browser.get_log("browser")  # drop anything from the page before
        site_browser.get(page.as_uri())
        _settle(site_browser)
        measured = site_browser.execute_script(_MEASURE)
        errors = [e for e in site_browser.get_log("browser")
                  if e["level"] in ("SEVERE", "ERROR")]
        results[str(page.relative_to(site.html))] = (errors, measured)
    return results


def test_pages_open_without_console_errors(opened):
    bad = {page: errors for page, (errors, _) in opened.items() if errors}
    assert bad == {}


def test_every_image_and_svg_is_drawn_with_a_size(opened):
    problems = []
    for page, (_, measured) in opened.items():
        for img in measured["images"]:
            if not img["complete"] or img["natural"] == 0:
                problems.append(f"{page}: image {img['src']} did not load")
            elif img["shown"] and min(img["size"]) <= 0:
                problems.append(f"{page}: image {img['src']} drawn at {img['size']}")
        for svg in measured["svgs"]:
            if svg["shown"] and min(svg["size"]) <= 0:
                problems.append(f"{page}: svg {svg['id'] or svg['cls']} drawn at {svg['size']}")
    assert problems == []


def test_tutorials_show_pictures(opened):
    """A tutorial teaches with pictures: each shows at least one image or SVG."""
    bare = [page for page, (_, measured) in opened.items()
            if page.startswith("tutorials/") and page != "tutorials/index.html"
            and not (measured["images"] or measured["svgs"])]
    assert bare == []


def _embedded_backprop_frames(browser):
    from selenium.webdriver.common.by import By

    frames = []
    for frame in browser.find_elements(By.TAG_NAME, "iframe"):
        browser.switch_to.frame(frame)
        if browser.find_elements(By.ID, "next") and browser.find_elements(By.ID, "counter"):
            frames.append(frame)
        browser.switch_to.default_content()
    return frames


def test_the_embedded_backprop_page_steps_forward_and_back(site, site_browser):
    from selenium.webdriver.common.by import By

    pages = [site.html / "tutorials" / f"{source.stem}.html"
             for source in sorted((DOCS / "tutorials").glob("01-*.md"))]
    if not pages:
        pytest.skip("tutorial 01 (backprop, with the embedded step-by-step page) not built")
    site_browser.get_log("browser")
    site_browser.get(pages[0].as_uri())
    frames = _embedded_backprop_frames(site_browser)
    assert frames, "tutorial 01 embeds no step-by-step backprop page (an iframe with #next)"
    site_browser.switch_to.frame(frames[0])
    try:
        counter = site_browser.find_element(By.ID, "counter")
        first = counter.text
        match = re.fullmatch(r"Step 1 of (\d+)", first)
        assert match, first
        total = int(match.group(1))
        assert total >= 2
        site_browser.find_element(By.ID, "next").click()
        assert counter.text == f"Step 2 of {total}"
        site_browser.find_element(By.ID, "next").click()
        site_browser.find_element(By.ID, "prev").click()
        assert counter.text == f"Step 2 of {total}"
        site_browser.find_element(By.ID, "prev").click()
        assert counter.text == first
        assert site_browser.find_element(By.ID, "prev").get_property("disabled")
    finally:
        site_browser.switch_to.default_content()
    errors = [e for e in site_browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
