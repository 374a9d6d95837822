"""Copying a value between devices, differentiably: the gradient goes back the same way."""
from __future__ import annotations

from ..devices import device_of, move
from ..function import Function
from ..value import is_value

__all__ = ["ToDevice"]


class ToDevice(Function):
    """``x`` copied to device ``where``; backward copies the gradient to ``x``'s device."""

    op_name = "to"

    @staticmethod
    def forward(ctx, x, where):
        ctx.source = device_of(x)
        return move(x, where)

    @staticmethod
    def backward(ctx, grad):
        if is_value(grad):  # create_graph: record the copy back too
            return ToDevice.apply(grad, ctx.source), None
        return move(grad, ctx.source), None
