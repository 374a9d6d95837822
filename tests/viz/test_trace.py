"""backprop_page: steps agree with the engine; the page is safe, offline, and works in a browser."""
import json
import re

import numpy as np
import pytest

from graphgrad import autograd, viz
from graphgrad.autograd import Scalar
from graphgrad.autograd.engine import toposort
from graphgrad.viz.walk import GraphWalk

NASTY = '</script><script>window.pwned = 1</script><b>&amp;</b> "q" \u00e9'


def _scalar_expr():
    """micrograd's README expression, every value labelled."""
    a = Scalar(-4.0, label="a")
    b = Scalar(2.0, label=NASTY)
    c = a + b
    c.label = "c"
    d = a * b + b ** 3
    d.label = "d"
    e = (d - c).relu() + (c * 2.0).tanh()
    e.label = "e"
    f = e / 2.0
    f.label = "f"
    return f, (a, b)


def _tensor_expr():
    autograd.manual_seed(1)
    w = autograd.randn(3, 2, requires_grad=True)
    w.label = "w"
    b = autograd.tensor([0.5, -0.25], requires_grad=True)
    b.label = NASTY
    x = autograd.randn(2, 3)
    x.label = "x"
    h = (x @ w + b).tanh()
    h.label = "h"
    out = (h * h).sum(axis=1).mean()
    out.label = "out"
    return out, (w, b)


def _engine_grads(root):
    """Every value's gradient as the engine computes it (intermediates retained)."""
    viz.retain_grads(root)
    root.backward(retain_graph=True)
    return {id(v): (None if v.grad is None else np.asarray(getattr(v.grad, "data", v.grad),
                                                          dtype=np.float64))
            for v in GraphWalk(root).values}


@pytest.mark.parametrize("make", [_scalar_expr, _tensor_expr])
def test_steps_follow_engine_order_and_values(make):
    root, _ = make()
    steps = viz.backward_steps(root)
    walk = GraphWalk(root)
    order = toposort([root])
    assert [s["node"] for s in steps] == [walk.id_of(v) for v in order]
    grads = _engine_grads(root)
    for step in steps:
        value = walk.value(step["node"])
        np.testing.assert_allclose(step["value"], grads[id(value)], rtol=1e-5, atol=1e-7)
        if value.grad_fn is not None:
            assert step["rule"] and "d/d" in step["rule"]
        arriving = [a["from"] for a in step["arriving"]]
        assert len(arriving) == (1 if value is root else
                                 sum(p is value for s in steps if s["op"]
                                     for p in walk.value(s["node"]).grad_fn.parents))


def test_rule_is_the_op_docstring_formula():
    root, _ = _tensor_expr()
    steps = {s["op_label"]: s["rule"] for s in viz.backward_steps(root) if s["op_label"]}
    assert steps["tanh"] == "out = tanh x.  d/dx = 1 - out^2."
    assert steps["sum(axis=1)"].startswith("out = sum of x over axis.")


def test_page_is_self_contained_and_escapes_names(tmp_path):
    root, _ = _tensor_expr()
    path = viz.backprop_page(root, tmp_path / "page.html")
    page = path.read_text(encoding="utf-8")
    assert page.count("<script") == 2 and "src=" not in page and "<link" not in page
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert "window.pwned" in page  # the name is there ...
    assert "<script>window.pwned" not in page  # ... but never as markup
    blob = page.split('<script type="application/json" id="steps">')[1].split("</script>")[0]
    data = json.loads(blob)
    assert any(NASTY in s["name"] for s in data["steps"])


def test_page_needs_an_unfreed_graph(tmp_path):
    root, _ = _tensor_expr()
    root.backward()
    with pytest.raises(autograd.GraphFreedError, match="before calling backward"):
        viz.backprop_page(root, tmp_path / "page.html")


def _numbers(text):
    return np.array([float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)])


@pytest.mark.parametrize("make", [_scalar_expr, _tensor_expr])
def test_page_in_a_real_browser(browser, tmp_path, make):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    root, _ = make()
    path = viz.backprop_page(root, tmp_path / "page.html")
    walk = GraphWalk(root)
    order = toposort([root])
    grads = _engine_grads(root)
    browser.get_log("browser")  # drop anything left from an earlier page
    browser.get(path.as_uri())
    body = browser.find_element(By.TAG_NAME, "body")
    for index, value in enumerate(order):
        counter = browser.find_element(By.ID, "counter").text
        assert counter == f"Step {index + 1} of {len(order)}"
        current = browser.find_elements(By.CSS_SELECTOR, "g.node.current")
        assert [el.get_attribute("id") for el in current] == [walk.id_of(value)]
        if value.label:  # the highlighted box is the value's own (its label is in it)
            first_line = value.label.splitlines()[0][:20]
            assert first_line in current[0].get_attribute("textContent")
        shown = browser.find_element(By.ID, "accumulated").text
        np.testing.assert_allclose(_numbers(shown), grads[id(value)].ravel(), rtol=1e-5,
                                   atol=1e-6)
        if value.grad_fn is not None:
            op = browser.find_elements(By.CSS_SELECTOR, "g.node.current-op")
            assert [el.get_attribute("id") for el in op] == ["f" + walk.id_of(value)[1:]]
            assert "d/d" in browser.find_element(By.ID, "rule").text
        if index % 2:
            body.send_keys(Keys.ARROW_RIGHT)
        else:
            browser.find_element(By.ID, "next").click()
    assert browser.find_element(By.ID, "next").get_property("disabled")
    body.send_keys(Keys.ARROW_LEFT)
    assert browser.find_element(By.ID, "counter").text == f"Step {len(order) - 1} of {len(order)}"
    names = (browser.find_element(By.ID, "sends").text
             + browser.find_element(By.ID, "node-name").text)
    browser.find_element(By.ID, "prev").click()
    assert browser.execute_script("return window.pwned === undefined")
    assert names  # panel text rendered through textContent
    page_text = browser.find_element(By.ID, "panel").text
    for _ in range(len(order)):
        body.send_keys(Keys.ARROW_RIGHT)
        page_text += browser.find_element(By.ID, "panel").text
    assert NASTY.split("<b>")[0] in page_text  # the markup-looking name shows as text
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []


def test_missing_browser_skips_locally_but_fails_under_ci(monkeypatch):
    from viz_helpers import unavailable
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no browser"):
        unavailable("no browser")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        unavailable("no browser")


def _steps_blob(page):
    return json.loads(page.split('<script type="application/json" id="steps">')[1]
                      .split("</script>")[0])


def test_placeholders_in_labels_and_title_come_through_literally(tmp_path):
    """The page is joined from pieces: no %SVG% / %DATA% substitution a label can hit."""
    a = Scalar(2.0, label="%SVG% and %DATA% and %TITLE%")
    b = Scalar(-3.0, label="%DATA%")
    root = a * b + a
    page = viz.backprop_page(root, tmp_path / "page.html", title="t %SVG% %DATA%")
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 1
    assert text.count('<script type="application/json" id="steps">') == 1
    data = _steps_blob(text)
    assert data["title"] == "t %SVG% %DATA%"
    names = [s["name"] for s in data["steps"]]
    assert any("%SVG% and %DATA% and %TITLE%" in n for n in names), names
    assert "<title>t %SVG% %DATA%</title>" in text


def test_lone_surrogate_in_a_label_is_escaped_as_render_svg_does(tmp_path):
    a = Scalar(2.0, label="bad \ud800 label\x01")
    root = (a * 3.0).tanh()
    page = viz.backprop_page(root, tmp_path / "page.html", title="title \udfff")
    text = page.read_text(encoding="utf-8")  # valid UTF-8: it was written at all
    data = _steps_blob(text)
    assert any("bad \\ud800 label\\x01" in s["name"] for s in data["steps"])
    assert data["title"] == "title \\udfff"
    svg = viz.render_svg(root, tmp_path / "graph.svg").read_text(encoding="utf-8")
    assert "\\ud800" in svg  # the same visible escape in the picture


def test_failed_page_leaves_the_old_page_whole(tmp_path, monkeypatch):
    path = tmp_path / "page.html"
    path.write_text("old page", encoding="utf-8")
    root = Scalar(2.0) * Scalar(3.0)

    def broken(graph):
        raise RuntimeError("dot crashed")

    monkeypatch.setattr(viz.trace, "to_svg", broken)
    with pytest.raises(RuntimeError, match="dot crashed"):
        viz.backprop_page(root, path)
    monkeypatch.undo()
    real_replace = __import__("os").replace

    def fail_replace(src, dst):
        raise OSError("disk gone at rename")

    monkeypatch.setattr("os.replace", fail_replace)
    with pytest.raises(OSError, match="disk gone"):
        viz.backprop_page(root, path)
    monkeypatch.setattr("os.replace", real_replace)
    assert path.read_text(encoding="utf-8") == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]
    viz.backprop_page(root, path)
    assert "<svg" in path.read_text(encoding="utf-8")


def _mlp_step_loss():
    """One training step of a small MLP: a graph too big for the panel at a readable size."""
    from graphgrad import nn
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 12), nn.ReLU(), nn.Linear(12, 12), nn.ReLU(),
                          nn.Linear(12, 4))
    x = autograd.randn(8, 16)
    loss = nn.CrossEntropyLoss()(model(x), np.arange(8) % 4)
    return loss, dict(model.named_parameters())


_TEXT_PX = """return Array.from(document.querySelectorAll("#viewport g.node text")).map(
  t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a);"""
_INSIDE = """const v = document.getElementById("viewport").getBoundingClientRect();
const n = document.querySelector("g.node.current").getBoundingClientRect();
return [n.left >= v.left, n.right <= v.right, n.top >= v.top, n.bottom <= v.bottom,
        Math.abs((n.left + n.right) / 2 - (v.left + v.right) / 2),
        Math.abs((n.top + n.bottom) / 2 - (v.top + v.bottom) / 2)];"""


def test_big_page_keeps_node_text_readable_and_the_current_step_in_view(browser, tmp_path):
    """At 1400 px wide the node text is >= 11 px (not shrunk to fit); each step is centred."""
    from selenium.webdriver.common.by import By

    loss, params = _mlp_step_loss()
    path = viz.backprop_page(loss, tmp_path / "page.html", params=params)
    size = browser.get_window_size()
    browser.set_window_size(1400, 900)
    try:
        browser.get(path.as_uri())
        assert browser.execute_script("return window.innerWidth") == 1400
        sizes = browser.execute_script(_TEXT_PX)
        assert len(sizes) > 20 and min(sizes) >= 11, sorted(sizes)[:5]
        overflow = browser.execute_script(
            "const v = document.getElementById('viewport');"
            "return [v.scrollWidth > v.clientWidth, v.scrollHeight > v.clientHeight];")
        assert any(overflow)  # the graph is bigger than the panel: it scrolls, not shrinks
        total = len(toposort([loss]))
        for index in range(total):
            assert browser.find_element(By.ID, "counter").text == f"Step {index + 1} of {total}"
            *inside, dx, dy = browser.execute_script(_INSIDE)
            assert all(inside), (index, inside)
            if index:  # after stepping the node is centred unless the scroll hit an edge
                scroll = browser.execute_script(
                    "const v = document.getElementById('viewport');"
                    "return [v.scrollLeft, v.scrollWidth - v.clientWidth - v.scrollLeft,"
                    " v.scrollTop, v.scrollHeight - v.clientHeight - v.scrollTop];")
                assert dx < 2 or min(scroll[:2]) < 1, (index, dx, scroll)
                assert dy < 2 or min(scroll[2:]) < 1, (index, dy, scroll)
            browser.find_element(By.ID, "next").click()
        readable = min(browser.execute_script(_TEXT_PX))
        browser.find_element(By.ID, "zoom-out").click()
        assert min(browser.execute_script(_TEXT_PX)) == pytest.approx(readable / 1.25, rel=1e-3)
        browser.find_element(By.ID, "zoom-fit").click()
        fits = browser.execute_script(
            "const v = document.getElementById('viewport'), s = v.querySelector('svg');"
            "return [s.getBoundingClientRect().width <= v.clientWidth,"
            " s.getBoundingClientRect().height <= v.clientHeight];")
        assert fits == [True, True]
        browser.find_element(By.ID, "zoom-reset").click()
        assert min(browser.execute_script(_TEXT_PX)) == pytest.approx(readable, rel=1e-3)
        browser.execute_script(  # Ctrl + wheel up zooms in around the pointer
            "document.getElementById('viewport').dispatchEvent(new WheelEvent('wheel',"
            " {deltaY: -200, ctrlKey: true, clientX: 300, clientY: 300, cancelable: true}));")
        assert min(browser.execute_script(_TEXT_PX)) > readable * 1.2
        errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert errors == []
    finally:
        browser.set_window_size(size["width"], size["height"])
