"""Layouts, windows, padding and einsum: views numpy has and the standard does not.

numpy keeps its fast paths (``.mT``, ``as_strided`` windows, ``np.pad``, ``np.einsum``,
``linear``'s GEMM in the operand order OpenBLAS runs faster); other libraries get the same
values from the standard's functions (strided slices, ``full`` and assignment, pairwise
``matmul``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .namespaces import namespace

if TYPE_CHECKING:
    from typing import Any

__all__ = ["pad", "matrix_transpose", "contiguous", "sliding_windows", "einsum", "linear"]


def pad(array: Any, widths: tuple[tuple[int, int], ...], value: float = 0.0) -> Any:
    """``array`` padded with ``value``: ``widths`` is one ``(before, after)`` pair per axis.

    Examples
    --------
    >>> pad(np.ones(2), ((1, 2),))
    array([0., 1., 1., 0., 0.])
    """
    xp = namespace(array)
    if xp is np:
        return np.pad(array, widths, constant_values=value)
    shape = tuple(n + before + after for n, (before, after) in zip(array.shape, widths))
    out = xp.full(shape, value, dtype=array.dtype, device=array.device)
    out[tuple(slice(before, before + n) for n, (before, _) in zip(array.shape, widths))] = array
    return out


def matrix_transpose(array: Any) -> Any:
    """``array`` with its last two axes exchanged (a view where the library can).

    numpy's ``.mT`` attribute costs a tenth of ``np.matrix_transpose`` (0.2 vs 1.9 us, which
    matters in matmul's backward); CuPy has no ``.mT``, so other libraries use the standard's
    function.

    Examples
    --------
    >>> matrix_transpose(np.ones((2, 3))).shape
    (3, 2)
    """
    if type(array) is np.ndarray:
        return array.mT
    return namespace(array).matrix_transpose(array)


def sliding_windows(array: Any, kernel: tuple[int, int], stride: tuple[int, int],
                    dilation: tuple[int, int], out_hw: tuple[int, int]) -> Any:
    """Every window of an (N, C, H, W) array: shape (N, C, Ho, Wo, kh, kw), read only.

    numpy returns a strided view (no copy); other libraries, which have no strided views,
    get one strided slice per kernel offset, stacked (a copy the size of the windows).

    Examples
    --------
    >>> sliding_windows(np.arange(9.0).reshape(1, 1, 3, 3), (2, 2), (1, 1), (1, 1),
    ...                 (2, 2))[0, 0, 1, 1].tolist()
    [[4.0, 5.0], [7.0, 8.0]]
    """
    (kh, kw), (ho, wo) = kernel, out_hw
    if type(array) is np.ndarray:
        sn, sc, sh, sw = array.strides
        shape = array.shape[:2] + (ho, wo, kh, kw)
        strides = (sn, sc, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1])
        return np.lib.stride_tricks.as_strided(array, shape, strides, writeable=False)
    xp = namespace(array)
    slabs = [array[:, :, a * dilation[0]:a * dilation[0] + stride[0] * (ho - 1) + 1:stride[0],
                   b * dilation[1]:b * dilation[1] + stride[1] * (wo - 1) + 1:stride[1]]
             for a in range(kh) for b in range(kw)]
    return xp.reshape(xp.stack(slabs, axis=-1), tuple(array.shape[:2]) + (ho, wo, kh, kw))


def einsum(terms: tuple[str, ...] | list[str], output: str, *operands: Any) -> Any:
    """``einsum`` of explicit subscripts (no '...', the output written out) on any library.

    numpy and CuPy use their own ``einsum``; libraries without one (array-api-strict: the
    standard has none) contract the operands pairwise with ``matmul`` after permuting and
    reshaping, after taking the diagonals of repeated letters and summing letters only one
    operand has. Size-1 axes broadcast as in numpy.

    Examples
    --------
    >>> einsum(["ij", "jk"], "ik", np.ones((2, 3)), np.ones((3, 4))).shape
    (2, 4)
    """
    xp = namespace(next((v for v in operands if hasattr(v, "shape")), operands[0]))
    if xp is np:
        return np.einsum(",".join(terms) + "->" + output, *operands,
                         optimize=len(operands) > 1)
    native = getattr(xp, "einsum", None)
    if native is not None:
        return native(",".join(terms) + "->" + output, *operands)
    return _einsum_by_matmul(xp, list(terms), output, list(operands))


def _einsum_by_matmul(xp, terms, output, operands):
    items = []
    for i, (term, x) in enumerate(zip(terms, operands)):
        term, x = _diagonals(xp, term, x)
        elsewhere = set(output).union(*(set(t) for j, t in enumerate(terms) if j != i))
        term, x = _sum_letters(xp, term, x, set(term) - elsewhere)
        items.append((term, x))
    term, x = items[0]
    for k in range(1, len(items)):
        keep = set(output).union(*(set(t) for t, _ in items[k + 1:]))
        term, x = _contract_pair(xp, term, x, *items[k], keep)
    return xp.permute_dims(x, tuple(term.index(c) for c in output))


def _diagonals(xp, term, x):
    """Each letter repeated in ``term`` replaced by the diagonal of its axes."""
    while len(set(term)) < len(term):
        c = next(c for c in term if term.count(c) > 1)
        first, second = term.index(c), term.index(c, term.index(c) + 1)
        rest = [k for k in range(len(term)) if k not in (first, second)]
        n = x.shape[first]
        x = xp.permute_dims(x, tuple(rest) + (first, second))
        x = xp.reshape(x, tuple(x.shape[:-2]) + (n * n,))[..., ::n + 1]
        term = "".join(term[k] for k in rest) + c
    return term, x


def _sum_letters(xp, term, x, letters):
    axes = tuple(k for k, c in enumerate(term) if c in letters)
    if not axes:
        return term, x
    return "".join(c for c in term if c not in letters), xp.sum(x, axis=axes)


def _contract_pair(xp, ta, a, tb, b, keep):
    """(letters, array) of the einsum of ``a`` and ``b`` onto the letters in ``keep``."""
    ta, a = _sum_letters(xp, ta, a, set(ta) - set(tb) - keep)
    tb, b = _sum_letters(xp, tb, b, set(tb) - set(ta) - keep)
    shared = [c for c in ta if c in tb]
    summed = [c for c in shared if c not in keep]
    for c in summed:  # a length-1 axis broadcast against a longer one: sum the longer first
        na, nb = a.shape[ta.index(c)], b.shape[tb.index(c)]
        if na != nb and na == 1:
            b = xp.sum(b, axis=tb.index(c), keepdims=True)
        elif na != nb and nb == 1:
            a = xp.sum(a, axis=ta.index(c), keepdims=True)
    batch = [c for c in shared if c in keep]
    only_a = [c for c in ta if c not in tb]
    only_b = [c for c in tb if c not in ta]
    a = xp.permute_dims(a, tuple(ta.index(c) for c in batch + only_a + summed))
    b = xp.permute_dims(b, tuple(tb.index(c) for c in batch + summed + only_b))
    size_a = [a.shape[len(batch) + k] for k in range(len(only_a))]
    size_b = [b.shape[len(batch) + len(summed) + k] for k in range(len(only_b))]
    inner = 1
    for k in range(len(summed)):
        inner *= a.shape[len(batch) + len(only_a) + k]
    a = xp.reshape(a, tuple(a.shape[:len(batch)]) + (_product(size_a), inner))
    b = xp.reshape(b, tuple(b.shape[:len(batch)]) + (inner, _product(size_b)))
    out = a @ b
    out = xp.reshape(out, tuple(out.shape[:len(batch)]) + tuple(size_a) + tuple(size_b))
    return "".join(batch + only_a + only_b), out


def _product(sizes):
    total = 1
    for n in sizes:
        total *= n
    return total


def contiguous(array: Any) -> Any:
    """``array`` in row-major memory order (a copy only if it is not already).

    numpy (and CuPy) keep a permuted view's strides, and elementwise ops on it run slower;
    libraries that choose their own layouts (array-api-strict) return ``array`` as is.

    Examples
    --------
    >>> contiguous(np.ones((2, 3)).T).flags.c_contiguous
    True
    """
    if type(array) is np.ndarray:
        return np.ascontiguousarray(array)
    make = getattr(namespace(array), "ascontiguousarray", None)
    return array if make is None else make(array)


def _blas_is_openblas() -> bool:
    """Whether numpy's BLAS is OpenBLAS (what ``linear``'s operand order was measured on)."""
    global _OPENBLAS
    if _OPENBLAS is None:
        try:
            blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
        except (KeyError, TypeError, ValueError):  # an unusual build: keep numpy's order
            blas = ""
        _OPENBLAS = "openblas" in str(blas).lower()
    return _OPENBLAS


_OPENBLAS: bool | None = None


def linear(x: Any, weight: Any, bias: Any = None) -> Any:
    """``x @ weight.T + bias`` (no bias when None) as a new row-major array.

    The forward of ``nn.Linear``. For a numpy float32 ``x`` of 8 to 64 rows and a weight
    of at least 256 x 256, OpenBLAS computes the product about twice as fast as
    ``(weight @ x.T).T`` than as ``x @ weight.T`` (measured at one thread, 16 rows,
    784 -> 512: 0.17 ms against 0.33 ms; the same operands, with the small dimension on
    the other side of the GEMM), and the product is transposed back while the bias is
    added. Elsewhere (float64, where the other order was slower, more or fewer rows, other
    libraries) it is ``x @ weight.T``, with the bias added in place. Both orders give the
    same bits on numpy's OpenBLAS (a test checks the shapes above).

    Parameters
    ----------
    x : array (..., in_features)
    weight : array (out_features, in_features)
    bias : array (out_features,) or None

    Returns
    -------
    array (..., out_features)

    Examples
    --------
    >>> linear(np.ones((2, 3)), np.ones((4, 3)), np.arange(4.0))
    array([[3., 4., 5., 6.],
           [3., 4., 5., 6.]])
    """
    if (type(x) is np.ndarray and type(weight) is np.ndarray and x.ndim == 2
            and 8 <= x.shape[0] <= 64 and weight.shape[0] >= 256 and weight.shape[1] >= 256
            and x.dtype == np.float32 and weight.dtype == np.float32 and _blas_is_openblas()):
        product = (weight @ x.T).T  # a column-major view of the faster GEMM's result
        out = np.empty(product.shape, dtype=product.dtype)  # row-major, as x @ weight.T's
        if bias is None:
            np.copyto(out, product)
        else:
            np.add(product, bias, out=out)  # out += bias's loop and casting, in the same pass
        return out
    out = x @ matrix_transpose(weight)  # a transposed view: BLAS reads it in place, no copy
    if bias is not None:
        out += bias
    return out
