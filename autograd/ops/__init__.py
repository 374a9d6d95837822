"""Gradient rules grouped by family; each op is a forward and a backward side by side."""

__all__ = []
