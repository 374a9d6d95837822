"""PyTorch-style programs that run unchanged on ``torch`` and on ``graphgrad``.

Each program takes the library as a parameter (``lib``: the ``torch`` module
or ``graphgrad``) and is written as a PyTorch user would write it; the test
runs both from the same initial weights and compares the losses.
"""
