"""Containers: ``Sequential`` (a chain), ``ModuleList`` (a list) and ``ModuleDict`` (a dict)."""
import operator
from collections import OrderedDict
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import Any, TypeVar, cast, overload

from .module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]

C = TypeVar("C", bound="_Chain")


def _index(container: Any, idx: int) -> int:
    """``idx`` as a non-negative position, with PyTorch's error for out-of-range indices."""
    idx = operator.index(idx)
    size = len(container)
    if not -size <= idx < size:
        raise IndexError(f"index {idx} is out of range for {type(container).__name__} of "
                         f"length {size}")
    return idx % size


class _Chain(Module):
    """What Sequential and ModuleList share: length, iteration, append."""

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._values())

    def _values(self) -> ValuesView[Module]:
        # NOTE: typed as PyTorch types its containers: a None entry (add_module(name, None))
        # is possible but rare, and users index the containers to call the modules
        return cast(ValuesView[Module], self._modules.values())

    def append(self: C, module: Module) -> C:
        """Add ``module`` at the end; returns self.

        Its name is its position (``"2"``), so its parameters are ``"2.weight"``...

        Examples
        --------
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 3)).append(nn.ReLU())
        >>> model
        Sequential(
          (0): Linear(in_features=2, out_features=3, bias=True)
          (1): ReLU()
        )
        """
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

    def __init__(self, *args: Module | OrderedDict[str, Module]) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for index, item in enumerate(args):
                self.add_module(str(index), cast(Module, item))  # add_module checks it

    def forward(self, input: Any) -> Any:  # noqa: A002 - PyTorch's name
        """Feed ``input`` through each module in order; calling the module runs this.

        Each module's output is the next one's input; the last one's is returned.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        >>> model.forward(gg.ones(4, 2)).shape
        (4, 1)
        """
        for module in self._values():
            input = module(input)
        return input

    @overload
    def __getitem__(self, idx: int) -> Module: ...
    @overload
    def __getitem__(self, idx: slice) -> "Sequential": ...

    def __getitem__(self, idx: int | slice) -> "Module | Sequential":
        items = list(zip(self._modules, self._values()))
        if isinstance(idx, slice):
            return Sequential(OrderedDict(items[idx]))
        return items[_index(self, idx)][1]

    def __setitem__(self, idx: int, module: Module) -> None:
        name = list(self._modules)[_index(self, idx)]
        self.add_module(name, module)

    def __delitem__(self, idx: int | slice) -> None:
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

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    @overload
    def __getitem__(self, idx: int) -> Module: ...
    @overload
    def __getitem__(self, idx: slice) -> "ModuleList": ...

    def __getitem__(self, idx: int | slice) -> "Module | ModuleList":
        if isinstance(idx, slice):
            return ModuleList(list(self._values())[idx])
        return cast(Module, self._modules[str(_index(self, idx))])  # as in _values

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(str(_index(self, idx)), module)

    def __delitem__(self, idx: int | slice) -> None:
        modules = list(self._values())
        del modules[idx if isinstance(idx, slice) else _index(self, idx)]
        self._modules.clear()
        self.extend(modules)

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        """Add each of ``modules`` at the end; returns self.

        Examples
        --------
        >>> from graphgrad import nn
        >>> layers = nn.ModuleList([nn.Linear(2, 2)]).extend([nn.ReLU(), nn.Tanh()])
        >>> [type(m).__name__ for m in layers]
        ['Linear', 'ReLU', 'Tanh']
        """
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``.

        The modules after it move up one position and are renamed accordingly.

        Examples
        --------
        >>> from graphgrad import nn
        >>> layers = nn.ModuleList([nn.Linear(2, 2), nn.Tanh()])
        >>> layers.insert(1, nn.ReLU())
        >>> [(name, type(m).__name__) for name, m in layers.named_children()]
        [('0', 'Linear'), ('1', 'ReLU'), ('2', 'Tanh')]
        """
        modules = list(self._values())
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

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
                 ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(key)
        return cast(Module, self._modules[key])  # None only after add_module(key, None)

    def __setitem__(self, key: str, module: Module) -> None:
        if key in self._modules and isinstance(module, Module):
            self._modules[key] = module  # replacing keeps the key's position, as in a dict
        else:
            self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def keys(self) -> KeysView[str]:
        """The keys, in insertion order.

        Examples
        --------
        >>> from graphgrad import nn
        >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})
        >>> list(heads.keys())
        ['cls', 'box']
        """
        return self._modules.keys()

    def values(self) -> ValuesView[Module]:
        """The modules, in insertion order.

        Examples
        --------
        >>> from graphgrad import nn
        >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})
        >>> [m.out_features for m in heads.values()]
        [3, 2]
        """
        return cast(ValuesView[Module], self._modules.values())  # as in __getitem__

    def items(self) -> ItemsView[str, Module]:
        """``(key, module)`` pairs, in insertion order.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})
        >>> features = gg.ones(5, 4)
        >>> {name: head(features).shape for name, head in heads.items()}
        {'cls': (5, 3), 'box': (5, 2)}
        """
        return cast(ItemsView[str, Module], self._modules.items())  # as in __getitem__

    def pop(self, key: str) -> Module:
        """Remove ``key`` and return its module.

        Its parameters leave the dict's too.

        Examples
        --------
        >>> from graphgrad import nn
        >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})
        >>> heads.pop("box")
        Linear(in_features=4, out_features=2, bias=True)
        >>> [name for name, _ in heads.named_parameters()]
        ['cls.weight', 'cls.bias']
        """
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every entry.

        Examples
        --------
        >>> from graphgrad import nn
        >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})
        >>> heads.clear()
        >>> len(heads), list(heads.parameters())
        (0, [])
        """
        self._modules.clear()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace entries from a mapping or an iterable of ``(key, module)`` pairs.

        A replaced key keeps its position, as in a dict.

        Examples
        --------
        >>> from graphgrad import nn
        >>> blocks = nn.ModuleDict({"act": nn.ReLU(), "out": nn.Linear(2, 1)})
        >>> blocks.update([("act", nn.Tanh()), ("norm", nn.LayerNorm(2))])
        >>> [(key, type(m).__name__) for key, m in blocks.items()]
        [('act', 'Tanh'), ('out', 'Linear'), ('norm', 'LayerNorm')]
        """
        pairs = modules.items() if hasattr(modules, "items") else modules
        for i, pair in enumerate(pairs):
            if len(pair) != 2:
                raise ValueError(f"ModuleDict.update: element {i} should be a (key, module) "
                                 f"pair, has length {len(pair)}")
            self[pair[0]] = pair[1]
