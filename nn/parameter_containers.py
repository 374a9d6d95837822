"""``ParameterList`` and ``ParameterDict``: parameters held in a list or a dict, registered.

Their entries are the module's parameters, named by position (``"0"``, ``"1"``)
or by key, so ``state_dict`` names them as PyTorch does (``"plist.0"``,
``"pdict.alpha"``). A Tensor or numpy array that is not a ``Parameter`` is
wrapped in one (as PyTorch does).
"""
import operator
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import Any, cast, overload

import numpy as np

from ..autograd import Tensor, backend
from .module import Module, Parameter

__all__ = ["ParameterList", "ParameterDict"]


def _as_parameter(owner: Module, value: Any) -> Parameter:
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value.data, requires_grad=value.requires_grad or value.is_leaf)
    if backend.is_array(value):  # numpy's or a device's: the Parameter stays there
        return Parameter(value)
    raise TypeError(f"{type(owner).__name__}: entries must be Parameters, Tensors or numpy "
                    f"arrays (or a device's arrays), got {type(value).__name__}")


class ParameterList(Module):
    """A list of parameters, registered under ``"0"``, ``"1"``, ...

    Parameters
    ----------
    values : iterable of Parameter, Tensor or numpy array, optional
        The initial entries (non-Parameters are wrapped in a ``Parameter``).

    Examples
    --------
    >>> import numpy as np
    >>> from graphgrad import nn
    >>> plist = nn.ParameterList([nn.Parameter(np.zeros(2)), np.ones(3)])
    >>> [(name, p.shape) for name, p in plist.named_parameters()]
    [('0', (2,)), ('1', (3,))]
    """

    def __init__(self, values: Iterable[Tensor | np.ndarray] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._values())

    def _values(self) -> ValuesView[Parameter]:
        # NOTE: typed as PyTorch types it: None only after register_parameter(name, None)
        return cast(ValuesView[Parameter], self._parameters.values())

    def _position(self, idx: int) -> int:
        idx = operator.index(idx)
        if not -len(self) <= idx < len(self):
            raise IndexError(f"index {idx} is out of range for ParameterList of length "
                             f"{len(self)}")
        return idx % len(self)

    @overload
    def __getitem__(self, idx: int) -> Parameter: ...
    @overload
    def __getitem__(self, idx: slice) -> "ParameterList": ...

    def __getitem__(self, idx: int | slice) -> "Parameter | ParameterList":
        if isinstance(idx, slice):
            return ParameterList(list(self._values())[idx])
        return cast(Parameter, self._parameters[str(self._position(idx))])  # as in _values

    def __setitem__(self, idx: int, value: Tensor | np.ndarray) -> None:
        self._parameters[str(self._position(idx))] = _as_parameter(self, value)

    def append(self, value: Tensor | np.ndarray) -> "ParameterList":
        """Add ``value`` at the end; returns self.

        A Tensor or numpy array is wrapped in a ``Parameter``; it is named by its position.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> plist = nn.ParameterList().append(np.zeros(2)).append(np.ones(3))
        >>> [(name, p.shape) for name, p in plist.named_parameters()]
        [('0', (2,)), ('1', (3,))]
        """
        self.register_parameter(str(len(self)), _as_parameter(self, value))
        return self

    def extend(self, values: Iterable[Tensor | np.ndarray]) -> "ParameterList":
        """Add each of ``values`` at the end; returns self.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> plist = nn.ParameterList([np.zeros(2)]).extend([np.ones(3), np.ones((2, 2))])
        >>> len(plist), plist[2].shape
        (3, (2, 2))
        """
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        """One line per entry with its shape and dtype, shown in the repr.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> nn.ParameterList([np.zeros(2, np.float32), np.ones((2, 3))])
        ParameterList(
          (0): Parameter of shape (2,) (float32)
          (1): Parameter of shape (2, 3) (float64)
        )
        """
        return "\n".join(f"({i}): Parameter of shape {tuple(p.shape)} ({p.dtype})"
                         for i, p in enumerate(self))


class ParameterDict(Module):
    """An insertion-ordered dict of parameters, registered under their keys.

    Parameters
    ----------
    parameters : mapping or iterable of (str, value) pairs, optional
        The initial entries (non-Parameters are wrapped in a ``Parameter``).

    Examples
    --------
    >>> import numpy as np
    >>> from graphgrad import nn
    >>> pdict = nn.ParameterDict({"scale": np.ones(2), "shift": np.zeros(2)})
    >>> list(pdict.keys()), "scale" in pdict
    (['scale', 'shift'], True)
    """

    def __init__(self, parameters: Mapping[str, Tensor | np.ndarray]
                 | Iterable[tuple[str, Tensor | np.ndarray]] | None = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def __getitem__(self, key: str) -> Parameter:
        if key not in self._parameters:
            raise KeyError(key)
        return cast(Parameter, self._parameters[key])  # as in ParameterList._values

    def __setitem__(self, key: str, value: Tensor | np.ndarray) -> None:
        if key in self._parameters:
            self._parameters[key] = _as_parameter(self, value)  # keeps the key's position
        else:
            self.register_parameter(key, _as_parameter(self, value))

    def __delitem__(self, key: str) -> None:
        del self._parameters[key]

    def keys(self) -> KeysView[str]:
        """The keys, in insertion order.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> list(nn.ParameterDict({"scale": np.ones(2), "shift": np.zeros(2)}).keys())
        ['scale', 'shift']
        """
        return self._parameters.keys()

    def values(self) -> ValuesView[Parameter]:
        """The parameters, in insertion order.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> pdict = nn.ParameterDict({"scale": np.ones(2), "shift": np.zeros(3)})
        >>> [p.shape for p in pdict.values()]
        [(2,), (3,)]
        """
        return cast(ValuesView[Parameter], self._parameters.values())  # as in __getitem__

    def items(self) -> ItemsView[str, Parameter]:
        """``(key, parameter)`` pairs, in insertion order.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> pdict = nn.ParameterDict({"scale": np.ones(2), "shift": np.zeros(3)})
        >>> [(key, p.shape) for key, p in pdict.items()]
        [('scale', (2,)), ('shift', (3,))]
        """
        return cast(ItemsView[str, Parameter], self._parameters.items())  # as in __getitem__

    def get(self, key: str, default: Any = None) -> Any:
        """The parameter under ``key``, or ``default``.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> pdict = nn.ParameterDict({"scale": np.ones(2)})
        >>> pdict.get("scale").shape, pdict.get("shift") is None, pdict.get("shift", 0.0)
        ((2,), True, 0.0)
        """
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Parameter:
        """Remove ``key`` and return its parameter.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> pdict = nn.ParameterDict({"scale": np.ones(2), "shift": np.zeros(2)})
        >>> pdict.pop("shift").shape, list(pdict.keys())
        ((2,), ['scale'])
        """
        value = self[key]
        del self[key]
        return value

    def clear(self) -> None:
        """Remove every entry.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> pdict = nn.ParameterDict({"scale": np.ones(2)})
        >>> pdict.clear()
        >>> len(pdict), list(pdict.parameters())
        (0, [])
        """
        self._parameters.clear()

    def update(self, parameters: Mapping[str, Tensor | np.ndarray]
               | Iterable[tuple[str, Tensor | np.ndarray]]) -> None:
        """Add or replace entries from a mapping or an iterable of ``(key, value)`` pairs.

        A replaced key keeps its position, as in a dict.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> pdict = nn.ParameterDict({"scale": np.ones(2), "shift": np.zeros(2)})
        >>> pdict.update([("scale", np.full(2, 3.0)), ("gate", np.zeros(1))])
        >>> [(key, p.numpy().tolist()) for key, p in pdict.items()]
        [('scale', [3.0, 3.0]), ('shift', [0.0, 0.0]), ('gate', [0.0])]
        """
        pairs = parameters.items() if hasattr(parameters, "items") else parameters
        for i, pair in enumerate(pairs):
            if len(pair) != 2:
                raise ValueError(f"ParameterDict.update: element {i} should be a (key, value) "
                                 f"pair, has length {len(pair)}")
            self[pair[0]] = pair[1]

    def extra_repr(self) -> str:
        """One line per entry with its key, shape and dtype, shown in the repr.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> nn.ParameterDict({"scale": np.ones(2, np.float32), "shift": np.zeros((2, 3))})
        ParameterDict(
          (scale): Parameter of shape (2,) (float32)
          (shift): Parameter of shape (2, 3) (float64)
        )
        """
        return "\n".join(f"({k}): Parameter of shape {tuple(p.shape)} ({p.dtype})"
                         for k, p in self.items())
