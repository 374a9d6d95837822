"""Containers: ``Sequential`` (a chain), ``ModuleList`` (a list) and ``ModuleDict`` (a dict)."""
import operator
from collections import OrderedDict

from .module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


def _index(container, idx):
    """``idx`` as a non-negative position, with PyTorch's error for out-of-range indices."""
    idx = operator.index(idx)
    size = len(container)
    if not -size <= idx < size:
        raise IndexError(f"index {idx} is out of range for {type(container).__name__} of "
                         f"length {size}")
    return idx % size


class _Chain(Module):
    """What Sequential and ModuleList share: length, iteration, append."""

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self


class Sequential(_Chain):
    """Modules applied one after the other; children are named ``"0"``, ``"1"``, ...

    Example
    -------
    >>> from graphgrad import nn
    >>> model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    >>> model[0].weight.shape
    (32, 64)

    An ``OrderedDict`` of modules gives the children its names instead.
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(args):
                self.add_module(str(index), module)

    def forward(self, input):  # noqa: A002 - PyTorch's name
        for module in self._modules.values():
            input = module(input)
        return input

    def __getitem__(self, idx):
        items = list(self._modules.items())
        if isinstance(idx, slice):
            return Sequential(OrderedDict(items[idx]))
        return items[_index(self, idx)][1]

    def __setitem__(self, idx, module):
        name = list(self._modules)[_index(self, idx)]
        self.add_module(name, module)

    def __delitem__(self, idx):
        names = list(self._modules)
        for name in (names[idx] if isinstance(idx, slice) else [names[_index(self, idx)]]):
            del self._modules[name]


class ModuleList(_Chain):
    """A list of modules whose parameters the parent registers (``"0.weight"``, ...).

    It has no ``forward``: iterate over it in your own.

    Example
    -------
    >>> from graphgrad import nn
    >>> layers = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])
    >>> len(layers), len(list(layers.parameters()))
    (3, 6)
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ModuleList(list(self._modules.values())[idx])
        return self._modules[str(_index(self, idx))]

    def __setitem__(self, idx, module):
        self.add_module(str(_index(self, idx)), module)

    def __delitem__(self, idx):
        modules = list(self._modules.values())
        del modules[idx if isinstance(idx, slice) else _index(self, idx)]
        self._modules.clear()
        self.extend(modules)

    def extend(self, modules):
        """Add each of ``modules`` at the end; returns self."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index, module):
        """Insert ``module`` before position ``index``."""
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._modules.clear()
        self.extend(modules)


class ModuleDict(Module):
    """An insertion-ordered dict of modules, registered under their keys (``"enc.weight"``).

    Parameters
    ----------
    modules : mapping or iterable of (str, Module) pairs, optional
        The initial entries.

    Examples
    --------
    >>> from graphgrad import nn
    >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})
    >>> [name for name, _ in heads.named_parameters()]
    ['cls.weight', 'cls.bias', 'box.weight', 'box.bias']
    """

    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key) -> bool:
        return key in self._modules

    def __getitem__(self, key):
        if key not in self._modules:
            raise KeyError(key)
        return self._modules[key]

    def __setitem__(self, key, module) -> None:
        if key in self._modules and isinstance(module, Module):
            self._modules[key] = module  # replacing keeps the key's position, as in a dict
        else:
            self.add_module(key, module)

    def __delitem__(self, key) -> None:
        del self._modules[key]

    def keys(self):
        """The keys, in insertion order."""
        return self._modules.keys()

    def values(self):
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self):
        """``(key, module)`` pairs, in insertion order."""
        return self._modules.items()

    def pop(self, key):
        """Remove ``key`` and return its module."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every entry."""
        self._modules.clear()

    def update(self, modules) -> None:
        """Add or replace entries from a mapping or an iterable of ``(key, module)`` pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for i, pair in enumerate(pairs):
            if len(pair) != 2:
                raise ValueError(f"ModuleDict.update: element {i} should be a (key, module) "
                                 f"pair, has length {len(pair)}")
            self[pair[0]] = pair[1]
