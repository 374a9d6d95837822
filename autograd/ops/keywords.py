"""numpy's and PyTorch's keyword spellings, mapped onto one meaning.

Every op that takes an axis accepts numpy's ``axis=``/``keepdims=`` and
PyTorch's ``dim=``/``keepdim=``. Where the two libraries give one call two
meanings (``x.max(1)``, ``x.std(0)``, ``x.split(2)``) the keywords decide:
``convention`` tells an op which library's meaning the call asked for, and
``ambiguous`` builds the error shown when nothing in the call says.
"""

__all__ = ["reject_unknown", "axis_keywords", "convention", "ambiguous"]
NUMPY, TORCH = "numpy", "PyTorch"


def reject_unknown(op, unknown, accepted):
    """Raise the TypeError for keywords ``op`` does not take, listing what it does take."""
    if unknown:
        name = next(iter(unknown))
        raise TypeError(f"{op}() got an unexpected keyword argument {name!r}; it takes "
                        f"{accepted}")


_AXIS_WORDS = "axis= and keepdims= (numpy's spelling) or dim= and keepdim= (PyTorch's)"


def axis_keywords(op, axis, keepdims, dim, keepdim, unknown=None, default=None):
    """Merge numpy's ``(axis, keepdims)`` with PyTorch's ``(dim, keepdim)``.

    Parameters
    ----------
    op : str
        The op's name, for messages.
    axis, keepdims, dim, keepdim
        What the caller passed; None where a keyword was not given.
    unknown : dict, optional
        Any other keywords the caller passed: a TypeError naming the accepted ones.
    default
        The axis when neither ``axis`` nor ``dim`` is given.

    Returns
    -------
    (axis, keepdims) : the axis to use and a bool.

    Example
    -------
    >>> axis_keywords("sum", None, None, 1, True)
    (1, True)
    """
    reject_unknown(op, unknown, _AXIS_WORDS)
    if axis is not None and dim is not None:
        raise TypeError(f"{op}: got both axis={axis!r} (numpy's spelling) and dim={dim!r} "
                        "(PyTorch's) for the same thing; pass one of them")
    if keepdims is not None and keepdim is not None:
        raise TypeError(f"{op}: got both keepdims={keepdims!r} (numpy's spelling) and "
                        f"keepdim={keepdim!r} (PyTorch's) for the same thing; pass one of them")
    axis = dim if dim is not None else axis
    keep = keepdim if keepdim is not None else keepdims
    return (default if axis is None else axis), bool(keep)


def convention(op, numpy_words, torch_words):
    """Which library's meaning a call asked for: NUMPY, TORCH or None (it does not say).

    ``numpy_words`` and ``torch_words`` map each keyword of that library's
    spelling to the value passed (None: not passed). A call that mixes the two
    is refused, since the op's result depends on which one is meant.
    """
    numpy_given = [k for k, v in numpy_words.items() if v is not None]
    torch_given = [k for k, v in torch_words.items() if v is not None]
    if numpy_given and torch_given:
        raise TypeError(f"{op}: the call mixes numpy's {numpy_given[0]}= with PyTorch's "
                        f"{torch_given[0]}=, and {op} means different things in the two; "
                        "use one library's keywords throughout")
    return NUMPY if numpy_given else TORCH if torch_given else None


def ambiguous(op, call, numpy_form, numpy_meaning, torch_form, torch_meaning):
    """The TypeError for a call whose meaning differs between numpy and PyTorch."""
    return TypeError(f"{op}: {call} is ambiguous: numpy's {numpy_form} {numpy_meaning}, "
                     f"PyTorch's {torch_form} {torch_meaning}; write one of those spellings")
