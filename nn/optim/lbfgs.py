"""L-BFGS: a quasi-Newton method that re-evaluates the model through a closure.

The flat vectors (gradient, direction, the ``(s, y)`` history) are arrays of the
parameters' library on their device, built with its namespace; parameters move in place
(``p.data += ...``, which every array API library allows). Only scalars (the loss, dot
products, step lengths, the line search's bookkeeping) come to the host, as Python floats.
"""
import copy
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ...autograd import Tensor, backend, enable_grad, increment_version
from .optimizer import Optimizer

__all__ = ["LBFGS", "lbfgs_direction", "cubic_interpolate", "strong_wolfe"]


class LBFGS(Optimizer):
    """L-BFGS (PyTorch's ``torch.optim.LBFGS``, same algorithm, defaults and stopping rules).

    ``step(closure)`` runs up to ``max_iter`` iterations; ``closure`` must
    clear the gradients, compute the loss, call ``backward()`` and return the
    loss. Each iteration takes the two-loop-recursion direction built from the
    last ``history_size`` pairs ``(s, y)`` (pairs with ``y.s <= 1e-10`` are
    skipped) and moves along it by ``lr`` (the first iteration ever by
    ``min(1, 1/|g|_1) * lr``), or by the step a strong-Wolfe line search
    (cubic interpolation, ``c1=1e-4``, ``c2=0.9``, at most 25 evaluations) finds
    with ``line_search_fn="strong_wolfe"``. It stops when ``max(|g|) <=
    tolerance_grad``, the step or the loss change falls below
    ``tolerance_change``, or ``max_eval`` closure calls were made. Only one
    param group is supported (as in PyTorch); all parameters are treated as
    one flat vector.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize (one group).
    lr : float
        Step length (default 1).
    max_iter : int
        Iterations per ``step()`` (default 20).
    max_eval : int or None
        Closure calls per ``step()``; default ``max_iter * 5 // 4``.
    tolerance_grad : float
        Stop when the largest gradient entry is at most this.
    tolerance_change : float
        Stop when the step or the change of loss is smaller than this.
    history_size : int
        Number of ``(s, y)`` pairs kept.
    line_search_fn : None or "strong_wolfe"
        The line search; None takes fixed steps.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> w = gg.Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = nn.optim.LBFGS([w], line_search_fn="strong_wolfe")
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = ((w - 3.0) ** 2).sum()
    ...     loss.backward()
    ...     return loss
    >>> _ = opt.step(closure)
    >>> print(w.data.round(4))
    [3. 3.]
    """

    def __init__(self, params: Iterable[Any], lr: float = 1, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        for key, value in (("max_iter", max_iter), ("history_size", history_size)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"LBFGS: invalid {key}={value!r}: it must be an integer >= 1")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        if line_search_fn not in (None, "strong_wolfe"):
            raise ValueError(f"LBFGS: invalid line_search_fn={line_search_fn!r}: use None or "
                             "'strong_wolfe'")
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval,
                    "tolerance_grad": tolerance_grad, "tolerance_change": tolerance_change,
                    "history_size": history_size, "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups); "
                             "pass one list of tensors")

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Refused after construction: LBFGS works on exactly one group, as in PyTorch.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> w, b = gg.zeros(2, requires_grad=True), gg.zeros(1, requires_grad=True)
        >>> opt = nn.optim.LBFGS([w, b])          # put every tensor in the one group
        >>> opt.add_param_group({"params": [gg.zeros(1, requires_grad=True)]})
        Traceback (most recent call last):
            ...
        ValueError: LBFGS doesn't support per-parameter options (parameter groups)
        """
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    # ------------------------------------------------------------ flat views of the params
    @property
    def _params(self) -> list[Tensor]:
        return self.param_groups[0]["params"]

    def _gather_flat_grad(self) -> np.ndarray:
        xp = backend.namespace(self._params[0].data)
        return xp.concat([
            xp.zeros(p.data.size, dtype=p.data.dtype, device=p.data.device) if p.grad is None
            else xp.reshape(p.grad.data, (-1,)) for p in self._params])

    def _add_grad(self, step_size: float, direction: np.ndarray) -> None:
        xp = backend.namespace(direction)
        offset = 0
        for p in self._params:
            n = p.data.size
            p.data += step_size * xp.reshape(direction[offset:offset + n], p.data.shape)
            increment_version(p)
            offset += n

    def _set_params(self, values: list[np.ndarray]) -> None:
        for p, value in zip(self._params, values):
            p.data[...] = value
            increment_version(p)

    def _evaluate(self, closure: Callable[[], Any]) -> tuple[Any, float]:
        with enable_grad():
            loss = closure()
        return loss, float(loss.item() if isinstance(loss, Tensor) else loss)

    def _directional_evaluate(self, closure: Callable[[], Any], x: list[np.ndarray], t: float,
                              d: np.ndarray) -> tuple[float, np.ndarray]:
        self._add_grad(t, d)
        _, loss = self._evaluate(closure)
        flat_grad = self._gather_flat_grad()
        self._set_params(x)
        return loss, flat_grad

    # ------------------------------------------------------------ the step
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Run up to ``max_iter`` L-BFGS iterations; return the closure's first loss.

        Parameters
        ----------
        closure : callable
            Clears the gradients, computes the loss, calls ``backward()``, returns the loss.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> w = gg.tensor([0.0], requires_grad=True)
        >>> opt = nn.optim.LBFGS([w])
        >>> def closure():                      # called several times per step
        ...     opt.zero_grad()
        ...     loss = ((w - 3.0) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> opt.step(closure).item(), w.data    # the loss at the start; w at the minimum
        (9.0, array([3.], dtype=float32))
        >>> opt.state[w]["n_iter"], opt.state[w]["func_evals"]
        (2, 3)
        """
        if closure is None:
            raise TypeError("LBFGS.step needs a closure that re-evaluates the model and returns "
                            "the loss: step(closure)")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state.setdefault(self._params[0], {"func_evals": 0, "n_iter": 0})

        orig_loss, loss = self._evaluate(closure)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if _max_abs(flat_grad) <= tolerance_grad:
            return orig_loss

        # the history of earlier steps: None before the first iteration, which sets it all
        d: Any = state.get("d")
        t: Any = state.get("t")
        old_dirs: Any = state.get("old_dirs")
        old_stps: Any = state.get("old_stps")
        ro: Any = state.get("ro")
        h_diag: Any = state.get("H_diag")
        prev_flat_grad: Any = state.get("prev_flat_grad")
        prev_loss: Any = state.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro, h_diag = [], [], [], 1.0
            else:
                d, h_diag = lbfgs_direction(flat_grad, flat_grad - prev_flat_grad, d * t,
                                            old_dirs, old_stps, ro, h_diag, history_size)
            prev_flat_grad = _copy(flat_grad)
            prev_loss = loss
            t = (min(1.0, 1.0 / _sum_abs(flat_grad)) * lr if state["n_iter"] == 1 else lr)
            gtd = float(flat_grad @ d)
            if gtd > -tolerance_change:  # not a descent direction
                break
            ls_func_evals = 0
            if group["line_search_fn"] == "strong_wolfe":
                x_init = [_copy(p.data) for p in self._params]

                def obj_func(t_: float, x: list[np.ndarray] = x_init,
                             d_: np.ndarray = d) -> tuple[float, np.ndarray]:
                    return self._directional_evaluate(closure, x, t_, d_)

                loss, flat_grad, t, ls_func_evals = strong_wolfe(obj_func, t, d, loss, flat_grad,
                                                                 gtd)
                self._add_grad(t, d)
                opt_cond = _max_abs(flat_grad) <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    _, loss = self._evaluate(closure)
                    flat_grad = self._gather_flat_grad()
                    opt_cond = _max_abs(flat_grad) <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if (n_iter == max_iter or current_evals >= max_eval or opt_cond
                    or _max_abs(d * t) <= tolerance_change
                    or abs(loss - prev_loss) < tolerance_change):
                break
        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=h_diag,
                     prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss

    # ------------------------------------------------------------ saving
    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a snapshot from ``state_dict()``; the history lists are deep-copied.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> w = gg.tensor([0.0, 1.0], requires_grad=True)
        >>> def closure(opt):
        ...     opt.zero_grad()
        ...     loss = ((w - 3.0) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> opt = nn.optim.LBFGS([w], max_iter=1)
        >>> _ = opt.step(lambda: closure(opt))
        >>> resumed = nn.optim.LBFGS([w], max_iter=1)
        >>> resumed.load_state_dict(opt.state_dict())   # continues with opt's history
        >>> _ = resumed.step(lambda: closure(resumed))
        >>> resumed.state[w]["n_iter"], len(resumed.state[w]["old_dirs"])  # one (s, y) pair
        (2, 1)
        """
        saved = state_dict.get("state", {}) if isinstance(state_dict, dict) else {}
        super().load_state_dict({**state_dict, "state": {}})
        for key, value in saved.items():
            self.state[self._params[int(key)]] = copy.deepcopy(value)

    def state_dict(self) -> dict[str, Any]:
        """Like ``Optimizer.state_dict``, with the history lists deep-copied.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> w = gg.tensor([0.0], requires_grad=True)
        >>> opt = nn.optim.LBFGS([w])
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = ((w - 3.0) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> _ = opt.step(closure)
        >>> sorted(opt.state_dict()["state"][0])   # the curvature history of the one group
        ['H_diag', 'd', 'func_evals', 'n_iter', 'old_dirs', 'old_stps', 'prev_flat_grad',
         'prev_loss', 'ro', 't']
        """
        out = super().state_dict()
        out["state"] = copy.deepcopy(out["state"])
        return out


def _max_abs(x: Any) -> float:
    """``max(|x|)`` of a flat array on its device, as a Python float."""
    xp = backend.namespace(x)
    return float(xp.max(xp.abs(x)))


def _sum_abs(x: Any) -> float:
    """``sum(|x|)`` of a flat array on its device, as a Python float."""
    xp = backend.namespace(x)
    return float(xp.sum(xp.abs(x)))


def _copy(x: Any) -> Any:
    """A copy of ``x`` in its library, on its device."""
    return backend.namespace(x).asarray(x, copy=True)


def lbfgs_direction(flat_grad: np.ndarray, y: np.ndarray, s: np.ndarray, old_dirs: list[np.ndarray],
                    old_stps: list[np.ndarray], ro: list[float], h_diag: float,
                    history_size: int) -> tuple[np.ndarray, float]:
    """Add the pair ``(s, y)`` to the history (in place) and return ``(direction, H_diag)``.

    A pair with ``y.s <= 1e-10`` is skipped (it would break positive
    definiteness); the direction is the two-loop recursion's ``-H g`` with the
    initial Hessian ``H_diag * I``, ``H_diag = y.s / y.y`` of the newest pair.
    """
    ys = float(y @ s)
    if ys > 1e-10:
        if len(old_dirs) == history_size:
            del old_dirs[0], old_stps[0], ro[0]
        old_dirs.append(y)
        old_stps.append(s)
        ro.append(1.0 / ys)
        h_diag = ys / float(y @ y)
    q = -flat_grad
    al = [0.0] * len(old_dirs)
    for i in range(len(old_dirs) - 1, -1, -1):
        al[i] = float(old_stps[i] @ q) * ro[i]
        q -= al[i] * old_dirs[i]
    r = q * h_diag
    for i in range(len(old_dirs)):
        be_i = float(old_dirs[i] @ r) * ro[i]
        r += (al[i] - be_i) * old_stps[i]
    return r, h_diag


def cubic_interpolate(x1: float, f1: float, g1: float, x2: float, f2: float, g2: float,
                      bounds: tuple[float, float] | None = None) -> float:
    """The minimizer of the cubic through ``(x1, f1, g1)`` and ``(x2, f2, g2)``, clipped to bounds.

    Falls back to the middle of the bounds when the cubic has no minimum.
    """
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 * d1 - g1 * g2
    if d2_square < 0:
        return (low + high) / 2.0
    d2 = d2_square ** 0.5
    if x1 <= x2:
        min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(min_pos, low), high)


def strong_wolfe(obj_func: Callable[[float], tuple[float, np.ndarray]], t: float,
                 d: np.ndarray, f: float, g: np.ndarray, gtd: float, c1: float = 1e-4,
                 c2: float = 0.9, tolerance_change: float = 1e-9,
                 max_ls: int = 25) -> tuple[float, np.ndarray, float, int]:
    """Line search for a step ``t`` along ``d`` meeting the strong Wolfe conditions.

    ``obj_func(t)`` returns ``(loss, flat_grad)`` at ``x + t d``. A bracketing
    phase grows the step by cubic extrapolation, then a zoom phase shrinks the
    bracket by safeguarded cubic interpolation. Returns ``(loss, flat_grad, t,
    evaluations)`` at the step it settles on.
    """
    d_norm = _max_abs(d)
    f_new, g_new = obj_func(t)
    evals = 1
    gtd_new = float(g_new @ d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, _copy(g), gtd
    done = False
    ls_iter = 0
    bracket: list[list[Any]] = []  # [t, f, g, gtd] of one or two ends
    while ls_iter < max_ls:
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket = [[t_prev, f_prev, g_prev, gtd_prev], [t, f_new, _copy(g_new), gtd_new]]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket = [[t, f_new, g_new, gtd_new]]
            done = True
            break
        if gtd_new >= 0:
            bracket = [[t_prev, f_prev, g_prev, gtd_prev], [t, f_new, _copy(g_new), gtd_new]]
            break
        min_step, max_step = t + 0.01 * (t - t_prev), t * 10
        t_prev, t = t, cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                                         bounds=(min_step, max_step))
        f_prev, g_prev, gtd_prev = f_new, _copy(g_new), gtd_new
        f_new, g_new = obj_func(t)
        evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket = [[0.0, f, g, gtd], [t, f_new, g_new, gtd_new]]

    insufficient_progress = False
    low, high = (0, 1) if bracket[0][1] <= bracket[-1][1] else (1, 0)
    while not done and ls_iter < max_ls:
        a, b = bracket[0][0], bracket[1][0]
        if abs(b - a) * d_norm < tolerance_change:
            break
        t = cubic_interpolate(bracket[0][0], bracket[0][1], bracket[0][3], bracket[1][0],
                              bracket[1][1], bracket[1][3])
        top, bottom = max(a, b), min(a, b)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:
            if insufficient_progress or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        f_new, g_new = obj_func(t)
        evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= bracket[low][1]:
            bracket[high] = [t, f_new, _copy(g_new), gtd_new]
            low, high = (0, 1) if bracket[0][1] <= bracket[1][1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high][0] - bracket[low][0]) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = [t, f_new, _copy(g_new), gtd_new]
    t, f_new, g_new, _ = bracket[low]
    return f_new, g_new, t, evals
