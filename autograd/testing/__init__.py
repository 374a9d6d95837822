"""Tools for testing differentiable code: ``gradcheck``, ``gradgradcheck``, strategies.

``autograd.testing.strategies`` (hypothesis strategies for shapes, arrays,
tensors and axes) needs the ``hypothesis`` package, so it is not imported
here: ``from autograd.testing import strategies``.
"""
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]
