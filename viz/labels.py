"""Safe text for pictures: user strings become text in the SVG, never markup.

Graph labels are Graphviz HTML-like labels, so every piece of user text goes
through ``html_text``: ``&<>"'`` are escaped, line breaks become ``<BR/>``, and
characters XML cannot hold (control characters, lone surrogates) are shown as
visible escapes such as ``\\x00``. Graphviz then writes the text into the SVG
with XML escaping of its own, so a name like ``<b>&"x"`` reads back as exactly
that text from the SVG's ``<text>`` elements.
"""
import html
import re
from typing import Any

import numpy as np

from ..autograd import backend, is_value
from ..autograd.typing import ArrayLike

__all__ = ["visible", "text_lines", "html_text", "fmt", "summarize", "rms", "host_array"]

MAX_LINE = 60  # characters of one label line; longer lines end in an ellipsis

_NEWLINE = re.compile(r"\r\n|\r|\n")
# NOTE: XML 1.0 cannot hold C0 controls (but tab and newline), lone surrogates or
# U+FFFE/U+FFFF; Graphviz also drops tabs. Show them as Python-style escapes.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def visible(text: object) -> str:
    """``text`` with characters XML cannot hold replaced by visible escapes."""
    text = str(text).replace("\t", " ")
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace")
                       .decode("ascii"), text)


def text_lines(text: str, max_line: int = MAX_LINE) -> list[str]:
    """The non-empty display lines of ``text`` (after ``visible``), each shortened."""
    lines = []
    for line in _NEWLINE.split(visible(text)):
        if line:
            lines.append(line if len(line) <= max_line else line[:max_line - 1] + "\u2026")
    return lines


def html_text(text: str, max_line: int = MAX_LINE) -> str:
    """``text`` as the body of a Graphviz HTML-like label (escaped, ``<BR/>`` breaks)."""
    return "<BR/>".join(html.escape(line, quote=True) for line in text_lines(text, max_line))


def fmt(number: float | np.number | np.ndarray) -> str:
    """A number in 4 significant digits (``0.5``, ``-1.25e-07``)."""
    number = float(number)
    if number == 0:
        return "0"
    return f"{number:.4g}"


def host_array(value: Any, dtype: Any = None) -> np.ndarray:
    """The numbers of ``value`` (a Tensor, an array of any device, a number) as a numpy array.

    viz draws from the host: an array on a device is copied here, explicitly
    (``backend.to_host``); numpy arrays are used as they are.

    Examples
    --------
    >>> import graphgrad as gg
    >>> host_array(gg.tensor([1, 2]), dtype=float)
    array([1., 2.])
    """
    data = value.data if is_value(value) else value
    array = backend.to_host(backend.as_array(data))
    return array if dtype is None else array.astype(dtype, copy=False)


def summarize(array: ArrayLike, tiny: int = 4) -> str:
    """The values of a small array, or ``min / mean / max`` of a larger one."""
    array = host_array(array)
    if array.size == 0:
        return "(empty)"
    if array.size <= tiny:
        if array.ndim == 0:
            return fmt(array)
        flat = ", ".join(fmt(x) for x in array.ravel())
        return f"[{flat}]"
    array = array.astype(np.float64, copy=False)
    return f"min {fmt(array.min())}  mean {fmt(array.mean())}  max {fmt(array.max())}"


def rms(array: ArrayLike) -> float:
    """Root-mean-square size of an array (the gradient magnitude used for shading)."""
    array = host_array(array, dtype=np.float64)
    if array.size == 0:
        return 0.0
    return float(np.sqrt(np.mean(np.square(array))))
