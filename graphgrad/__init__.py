"""graphgrad: a scalar and tensor autograd engine built on computational graphs.

One import package with three parts, each a folder of the repository::

    import graphgrad as gg            # the engine's everyday names: gg.tensor, gg.grad, ...
    from graphgrad import nn, viz     # layers, losses, optimizers; pictures of graphs

``graphgrad.autograd`` is the engine (depends on numpy only), ``graphgrad.nn``
the layers built on its public names, ``graphgrad.viz`` the pictures. The
names below are ``graphgrad.autograd``'s public names, re-exported.
"""
from importlib import import_module as _import_module
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from . import autograd
from .autograd import *  # noqa: F403 - the engine's public names are graphgrad's
from .autograd import __all__ as _engine_names

try:
    __version__ = _version("graphgrad")
except _PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

_SUBPACKAGES = ("nn", "viz")

__all__ = ["__version__", "autograd", *_SUBPACKAGES, *_engine_names]


def __getattr__(name):
    # NOTE: nn and viz load on first use (PEP 562), so `import graphgrad` stays as
    # light as the engine and does not pull in graphviz.
    if name in _SUBPACKAGES:
        return _import_module(f"{__name__}.{name}")
    if name == "optim":  # torch.optim's place: the same package as graphgrad.nn.optim
        return _import_module(f"{__name__}.nn.optim")
    if name in autograd.dtypes.BUILTIN_NAMED:  # gg.float, gg.int, gg.bool (not star-exported)
        return autograd.dtypes.BUILTIN_NAMED[name]
    raise AttributeError(f"module 'graphgrad' has no attribute {name!r}")
