"""Sphinx configuration of graphgrad's documentation site (build: see the README).

Toolchain: Sphinx + MyST-NB. autosummary generates one page per public name from each
module's ``__all__`` (so a new public name appears without editing the docs), napoleon reads
the numpy-style docstrings, MyST-NB executes the tutorials (MyST Markdown notebooks, stored
as text) while the site is built, and ``sphinx-build -W`` turns every warning (a broken
cross-reference, a notebook cell that raises, a public name without a docstring) into a
failed build. Everything is offline: no intersphinx, the bundled alabaster theme, MathJax
served from the build itself (see ``_copy_mathjax``).

``GRAPHGRAD_DOCS_QUICK=1`` shrinks every tutorial (fewer epochs, smaller data) so the test
suite can build the whole site in seconds; the README's build leaves it unset.
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

from sphinx.util import logging

import graphgrad

sys.path.insert(0, str(Path(__file__).parent / "_ext"))
import public_api  # noqa: E402 - docs/_ext, on the path just above

logger = logging.getLogger("graphgrad.docs")

project = "graphgrad"
author = "graphgrad developers"
copyright = "graphgrad developers"  # noqa: A001 - Sphinx's name for it
release = graphgrad.__version__
version = release

extensions = [
    "myst_nb",                   # MyST Markdown pages and executed MyST notebooks
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",    # a page per public name, driven by __all__
    "sphinx.ext.napoleon",       # numpy-style docstrings (Parameters, Returns, Examples)
    "sphinx.ext.viewcode",       # "[source]" links to the highlighted module source
    "sphinx.ext.mathjax",
]

# NOTE: no intersphinx: the build and the site are offline (a reference to numpy's or
# Python's own names renders as plain code instead of a link).
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "jupyter_execute", "_generated"]
templates_path = ["_templates"]
html_static_path: list[str] = []  # nothing of our own yet; MathJax is copied in by _copy_mathjax
# Files the tutorials write while they execute (tutorial 01's step-by-step backprop page,
# embedded in an <iframe>) go to docs/_generated/ (git-ignored), laid out as in the output:
# docs/_generated/tutorials/x.html is copied to <html>/tutorials/x.html, beside the page.
Path(__file__).parent.joinpath("_generated").mkdir(exist_ok=True)
html_extra_path = ["_generated"]
suppress_warnings: list[str] = []
# Every cross-reference must resolve (-W fails the build on one that does not): :func:,
# :meth:, :mod:, :obj:, :attr: in docstrings and pages. Types in "Parameters" entries
# ("int or None", "array_like", "(N, C, H, W)") are prose, not targets: py:class is exempt.
nitpicky = True
nitpick_ignore_regex = [("py:class", ".*")]

# -- MyST and notebooks -------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3
# "force": every build executes every notebook, so a page always shows what the library
# does now. ("cache" keys on the notebook's text only: a change in graphgrad itself would
# leave stale outputs and pictures in the site, the one thing the docs must not show.)
nb_execution_mode = "force"
nb_execution_raise_on_error = True      # a cell that raises fails the build (with -W too)
nb_execution_timeout = 600              # seconds per cell; the full (non-quick) tutorials train
nb_execution_show_tb = True             # the traceback goes to the build log
nb_merge_streams = True
nb_execution_excludepatterns: list[str] = []
nb_render_image_options = {"align": "center"}

# -- API reference ------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autosummary_ignore_module_all = False   # the documented names ARE each module's __all__
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
autodoc_inherit_docstrings = True
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_use_param = True

# -- HTML ---------------------------------------------------------------------------------
html_theme = "alabaster"                # ships with Sphinx; its assets are all local
html_title = "graphgrad"
html_theme_options = {
    "description": "Backpropagation you can see: a scalar and tensor autograd engine",
    "fixed_sidebar": False,
    "page_width": "1180px",
    "sidebar_width": "230px",
    "font_family": "Georgia, 'Times New Roman', serif",   # system fonts only
    "head_font_family": "Georgia, 'Times New Roman', serif",
    "code_font_family": "'DejaVu Sans Mono', Menlo, Consolas, monospace",
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
html_show_sourcelink = False
html_show_sphinx = False        # no footer links to outside sites: the site is offline
html_copy_source = False

# MathJax 3 from the sphinx-mathjax-offline package (in the docs extra), copied into the
# build: the SVG output needs no web fonts, so pages opened from file:// work offline.
mathjax_path = "mathjax/tex-svg.js"
mathjax3_config = {"options": {"enableMenu": False}}


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = Path(importlib.util.find_spec("sphinx-mathjax-offline").origin).parent
    target = Path(app.outdir, "_static", "mathjax")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "static" / "mathjax" / "tex-svg.js", target / "tex-svg.js")


# -- The public names, from each module's __all__ (docs/_ext/public_api.py) ----------------
autosummary_context = {
    "api_names": {name: public_api.public_names(name) for name in public_api.API_MODULES},
    "excluded_bases": public_api.excluded_bases(),
}


def _check_docstrings(app):
    # A public name without a docstring would get an empty page: fail the build (-W).
    for name in public_api.missing_docstrings():
        logger.warning("public name without a docstring: %s (write a numpy-style "
                       "docstring: summary, Parameters, Returns, Example)", name)


def setup(app):
    app.connect("builder-inited", _check_docstrings)
    app.connect("build-finished", _copy_mathjax)
