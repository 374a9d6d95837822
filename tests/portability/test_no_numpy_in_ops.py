"""Ops and nn call no numpy outside the seam: ``np.<name>`` uses per file, a shrinking count.

Gradient rules and layers ask their input's array namespace (``backend.namespace``,
``rule_helpers.xp_of``); what the standard lacks lives in ``autograd/backend/``. This
test counts, by parsing each file of ``autograd/ops/`` and ``nn/`` (the AST, so strings,
docstrings and comments never count), every attribute read on the numpy module
(``np.sum``, ``np.random.default_rng`` counts once), whatever numpy is imported as, plus
each name imported ``from numpy ...``. Not counted, because they compute nothing:

- annotations: of arguments, returns and annotated assignments, and everything under
  ``if TYPE_CHECKING:`` (``x: np.ndarray``, ``-> np.ndarray``);
- numpy's abstract scalar types as the class argument of ``isinstance``/``issubclass``
  (``isinstance(axis, (int, np.integer))``): they validate user arguments, which may be
  numpy scalars on any device. ``np.ndarray`` there IS counted: as a test for "raw
  array" it is ``rule_helpers.is_raw`` on other libraries' arrays.

``numpy_uses.txt`` lists the files allowed a nonzero count, with their count. The count
must equal the listed one: a file that drops below asks for its line to be lowered (or
removed at 0), so the list only shrinks and a later ``np.`` cannot slip back in under an
old allowance; a file that rises fails with the names it uses.
"""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOW_LIST = Path(__file__).with_name("numpy_uses.txt")
SCANNED = ("autograd/ops", "nn")
# numpy's abstract scalar classes, accepted in isinstance checks of user arguments
SCALAR_CLASSES = {"integer", "floating", "number", "bool_", "generic", "signedinteger",
                  "unsignedinteger", "inexact", "complexfloating"}


def _numpy_aliases(tree: ast.AST) -> set[str]:
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update(a.asname or a.name for a in node.names if a.name == "numpy")
    return aliases


def _uncounted(tree: ast.AST) -> set[int]:
    """ids of the nodes under annotations, TYPE_CHECKING blocks and isinstance's classes."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            every = args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]
            roots += [a.annotation for a in every if a is not None and a.annotation is not None]
            roots += [node.returns] if node.returns is not None else []
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            roots += node.body
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("isinstance", "issubclass") and len(node.args) == 2):
            roots += [sub for sub in ast.walk(node.args[1])
                      if isinstance(sub, ast.Attribute) and sub.attr in SCALAR_CLASSES]
    return {id(sub) for root in roots for sub in ast.walk(root)}


def numpy_uses(source: str) -> Counter[str]:
    """The numpy names a module's code uses, with how often (see the module docstring)."""
    tree = ast.parse(source)
    aliases = _numpy_aliases(tree)
    skip = _uncounted(tree)
    uses: Counter[str] = Counter()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases):
            uses[node.attr] += 1
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "numpy":
            uses.update(a.name for a in node.names)
    return uses


def scanned_files() -> list[Path]:
    """Every Python file of the folders whose code must run on any array library."""
    return sorted(p for folder in SCANNED for p in (ROOT / folder).rglob("*.py"))


def read_allow_list(path: Path = ALLOW_LIST) -> dict[str, int]:
    """``{relative path: allowed count}`` from ``numpy_uses.txt`` (``path: count`` lines)."""
    allowed = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, count = line.rpartition(":")
        if not name or not count.strip().isdigit():
            raise ValueError(f"{path.name}:{number}: expected 'path: count', got {line!r}")
        if name.strip() in allowed:
            raise ValueError(f"{path.name}:{number}: {name.strip()} is listed twice")
        allowed[name.strip()] = int(count)
    return allowed


def test_numpy_uses_match_the_shrinking_allow_list():
    allowed = read_allow_list()
    problems = []
    for path in scanned_files():
        name = path.relative_to(ROOT).as_posix()
        uses = numpy_uses(path.read_text())
        count, limit = sum(uses.values()), allowed.pop(name, 0)
        if count > limit:
            names = ", ".join(f"np.{n} x{k}" for n, k in uses.most_common())
            problems.append(f"{name}: {count} numpy uses, {limit} allowed; write them with the "
                            f"array's namespace (backend.namespace) or a shim in "
                            f"autograd/backend/: {names}")
        elif count < limit:
            problems.append(f"{name}: {count} numpy uses, fewer than the {limit} listed: set its "
                            f"line in {ALLOW_LIST.name} to {count}" + (" (delete the line)"
                                                                     if count == 0 else ""))
    problems += [f"{name}: listed in {ALLOW_LIST.name} but not a scanned file; delete the line"
                 for name in allowed]
    assert not problems, "\n".join(problems)


def test_allow_list_lines_are_positive_and_sorted():
    allowed = read_allow_list()
    assert all(count > 0 for count in allowed.values()), "a 0 line: delete it instead"
    assert list(allowed) == sorted(allowed), f"keep {ALLOW_LIST.name} sorted by path"


def test_the_counter_counts_code_and_skips_hints_and_scalar_checks():
    source = '''
from __future__ import annotations
from typing import TYPE_CHECKING
import numpy as numpy_module
from numpy.lib.stride_tricks import as_strided
if TYPE_CHECKING:
    Array = numpy_module.ndarray
def f(x: numpy_module.ndarray, axis: int | numpy_module.integer = 0) -> numpy_module.ndarray:
    """np.sum(x) in a docstring is text."""
    y: numpy_module.ndarray = numpy_module.sum(x)          # np.exp in a comment
    if isinstance(axis, (int, numpy_module.integer)) and isinstance(x, numpy_module.ndarray):
        return numpy_module.random.default_rng(0).random(3) + as_strided(y)
    return "np.log"
'''
    assert numpy_uses(source) == Counter({"sum": 1, "ndarray": 1, "random": 1, "as_strided": 1})
