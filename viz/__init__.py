"""viz: pictures of computation graphs and of training.

``draw_graph`` / ``render_svg`` draw a Tensor or Scalar graph with its values
and gradients (shaded by gradient magnitude, grouped by module with
``trace_modules``); ``backprop_page`` writes a self-contained page that steps
through backward; ``plot_losses`` and ``plot_grad_flow`` plot training.
"""
from .graph import GradientScale, choose_rankdir, draw_graph, retain_grads
from .modules import trace_modules
from .plots import flag_layers, grad_norms, plot_grad_flow, plot_losses
from .render import GraphvizNotFoundError, render_svg, to_svg
from .trace import backprop_page, backward_steps

__all__ = [
    "GradientScale", "draw_graph", "retain_grads", "trace_modules", "flag_layers", "grad_norms",
    "plot_grad_flow", "plot_losses", "GraphvizNotFoundError", "render_svg", "to_svg",
    "backprop_page", "backward_steps", "choose_rankdir",
]
