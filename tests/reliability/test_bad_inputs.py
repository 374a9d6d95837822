"""Bad input anywhere in the public API: a precise error naming the culprit, no state change.

One table drives the test. Each row calls the API on a fresh set of objects
(tensors, a module, an optimizer) with one bad argument, and states the error
family expected and words its message must contain (the op or argument
name). After the error, every tensor's data, grad, version and
``requires_grad``, every parameter, and every optimizer setting must be as
before.

Error families: ``ValueError``/``TypeError`` for bad values and types
(``ShapeError``, ``DtypeError``, ``StateDictError`` derive from them);
``IndexError`` only where an index or class label is out of range (as numpy
and PyTorch); ``GradientError`` (a ``RuntimeError``) for graph misuse, as
PyTorch's ``RuntimeError``.
"""
import math

import numpy as np
import pytest

import graphgrad.autograd as ag
import graphgrad.nn.functional as F
from graphgrad import nn
from graphgrad.nn.optim import lr_scheduler

VALUE = (ValueError,)
TYPE = (TypeError,)
VALUE_OR_TYPE = (ValueError, TypeError)
INDEX = (IndexError,)
GRAPH = (ag.GradientError,)
NAN = float("nan")


def make_env():
    """Fresh objects for one case: tensors, a module, an optimizer, a loader."""
    ag.manual_seed(0)
    env = {
        "x": ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True),
        "y": ag.tensor([1.0, 2.0, 3.0, 4.0]),
        "z": ag.tensor(np.ones((2, 3))),  # float32, no grad
        "s": ag.tensor(2.0, requires_grad=True),
        "i": ag.tensor([1, 2, 3]),
        "e": ag.tensor(np.zeros((0, 3), dtype=np.float32)),
        "model": nn.Linear(3, 2),
    }
    env["opt"] = nn.optim.SGD(env["model"].parameters(), lr=0.1, momentum=0.9)
    env["h"] = env["x"] * 2.0  # a non-leaf
    env["data"] = np.arange(20.0, dtype=np.float32).reshape(10, 2)
    return env


def snapshot(env):
    """Everything a failed call must leave alone."""
    state = {}
    for name, value in env.items():
        if isinstance(value, ag.Tensor):
            state[name] = (value.data.copy(), value.data.dtype,
                           None if value.grad is None else value.grad.data.copy(),
                           value._version, value.requires_grad, value.grad_fn)
        elif isinstance(value, nn.Module):
            state[name] = ({k: (v.data.copy(), v.data.dtype, None if v.grad is None else
                                v.grad.data.copy(), v._version)
                            for k, v in value.state_dict(keep_vars=True).items()},
                           value.training)
        elif isinstance(value, nn.optim.Optimizer):
            state[name] = ([{k: v for k, v in g.items() if k != "params"}
                            for g in value.param_groups], len(value.state))
        elif isinstance(value, np.ndarray):
            state[name] = value.copy()
    return state


def assert_same(before, after):
    assert before.keys() == after.keys()
    for name in before:
        a, b = before[name], after[name]
        assert _equal(a, b), f"{name} changed after the error"


def _equal(a, b):
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a is b or a == b


class BadRule(ag.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad, grad  # one gradient too many


# (id, call on env, expected error family, words the message must contain)
CASES = [
    # ---- creation: Python objects that are not numbers, object/string arrays, bad shapes
    ("Tensor-string", lambda e: ag.Tensor("abc"), TYPE, ["Tensor"]),
    ("Tensor-None", lambda e: ag.Tensor(None), TYPE, ["Tensor"]),
    ("Tensor-dict", lambda e: ag.Tensor({"a": 1}), TYPE, ["Tensor", "dict"]),
    ("Tensor-object", lambda e: ag.Tensor(object()), TYPE, ["Tensor"]),
    ("Tensor-ragged", lambda e: ag.Tensor([1.0, [2.0, 3.0]]), TYPE, ["Tensor"]),
    ("Tensor-str-array", lambda e: ag.Tensor(np.array(["a", "b"])), TYPE, ["Tensor", "<U1"]),
    ("Tensor-object-array", lambda e: ag.Tensor(np.array([1.0, None], dtype=object)), TYPE,
     ["Tensor", "object"]),
    ("Tensor-complex", lambda e: ag.Tensor(np.array([1j])), TYPE, ["Tensor", "complex"]),
    ("tensor-int-requires-grad", lambda e: ag.tensor([1, 2], requires_grad=True), TYPE,
     ["tensor", "int64"]),
    ("Tensor-bool-requires-grad", lambda e: ag.Tensor(True, requires_grad=True), TYPE,
     ["bool"]),
    ("tensor-bad-dtype", lambda e: ag.tensor([1.0], dtype="no-such-dtype"), TYPE,
     ["tensor", "no-such-dtype"]),
    ("zeros-negative", lambda e: ag.zeros(2, -1), VALUE, ["shape", "-1"]),
    ("zeros-float-size", lambda e: ag.zeros(2.5), VALUE_OR_TYPE, ["shape", "2.5"]),
    ("ones-string-size", lambda e: ag.ones("3"), VALUE_OR_TYPE, ["shape", "'3'"]),
    ("rand-negative", lambda e: ag.rand(-3), VALUE, ["shape", "-3"]),
    ("randn-string", lambda e: ag.randn(2, "a"), VALUE_OR_TYPE, ["shape"]),
    ("full-string-fill", lambda e: ag.full((2,), "x"), VALUE_OR_TYPE, ["full", "fill_value"]),
    ("eye-negative", lambda e: ag.eye(-2), VALUE, ["eye", "-2"]),
    ("arange-zero-step", lambda e: ag.arange(0, 5, 0), VALUE, ["arange", "step"]),
    ("linspace-negative-num", lambda e: ag.linspace(0, 1, -5), VALUE, ["linspace", "num"]),
    ("zeros_like-string", lambda e: ag.zeros_like("abc"), TYPE, ["zeros_like"]),
    ("manual_seed-string", lambda e: ag.manual_seed("abc"), VALUE_OR_TYPE, ["manual_seed"]),
    ("manual_seed-negative", lambda e: ag.manual_seed(-1), VALUE_OR_TYPE, ["manual_seed"]),
    # ---- operators and ops: wrong shapes, dtypes, non-numbers
    ("add-broadcast", lambda e: e["x"] + e["y"], VALUE, ["add", "(2, 3)", "(4,)"]),
    ("mul-broadcast-non-leaf", lambda e: e["h"] * e["y"], VALUE, ["mul", "(2, 3)", "(4,)"]),
    ("sub-string", lambda e: e["x"] - "abc", TYPE, ["sub"]),
    ("div-None", lambda e: e["x"] / None, TYPE, ["div"]),
    ("mul-object", lambda e: e["x"] * object(), TYPE, ["mul"]),
    ("add-str-array", lambda e: e["x"] + np.array(["a", "b", "c"]), TYPE, ["add"]),
    ("pow-object-array", lambda e: e["x"] ** np.array([None, 1, 2], dtype=object), TYPE,
     ["pow"]),
    ("matmul-mismatch", lambda e: e["x"] @ e["x"], VALUE, ["matmul", "(2, 3)"]),
    ("matmul-0d", lambda e: e["s"] @ e["x"], VALUE, ["matmul"]),
    ("where-broadcast", lambda e: ag.where(e["x"].data > 1, e["x"], e["y"]), VALUE,
     ["where", "(4,)"]),
    ("maximum-broadcast", lambda e: ag.maximum(e["x"], e["y"]), VALUE, ["maximum"]),
    ("leaky_relu-string-slope", lambda e: ag.leaky_relu(e["x"], "a"), TYPE, ["leaky_relu"]),
    ("clip-no-bounds", lambda e: ag.clip(e["x"]), VALUE, ["clip", "min", "max"]),
    ("gelu-approximate", lambda e: ag.gelu(e["x"], approximate="fast"), VALUE,
     ["gelu", "approximate"]),
    ("reshape-size", lambda e: e["x"].reshape(4, 2), VALUE, ["reshape", "(2, 3)"]),
    ("reshape-string", lambda e: e["x"].reshape("a"), VALUE_OR_TYPE, ["reshape"]),
    ("sum-axis-range", lambda e: e["x"].sum(axis=5), VALUE, ["sum", "axis 5"]),
    ("mean-axis-float", lambda e: e["x"].mean(axis=1.5), VALUE_OR_TYPE, ["mean", "axis"]),
    ("logsumexp-repeated-axis", lambda e: e["x"].logsumexp(axis=(1, -1)), VALUE,
     ["logsumexp", "axis"]),
    ("softmax-axis-range", lambda e: e["x"].softmax(axis=3), VALUE, ["softmax", "axis"]),
    ("log_softmax-axis-range", lambda e: ag.log_softmax(e["x"], axis=-3), VALUE,
     ["log_softmax", "axis"]),
    ("max-empty", lambda e: e["e"].max(), VALUE, ["max", "empty"]),
    ("var-ddof", lambda e: e["x"].var(axis=1, ddof=3), VALUE, ["var", "ddof"]),
    ("transpose-axes", lambda e: e["x"].transpose((0, 0)), VALUE, ["transpose", "repeated"]),
    ("transpose-axis-range", lambda e: e["x"].transpose(0, 5), VALUE, ["transpose", "axis 5"]),
    ("permute-axis-range", lambda e: e["x"].permute(2, 1), VALUE, ["permute", "axis 2"]),
    ("permute-length", lambda e: e["x"].permute(0), VALUE, ["axes", "(0,)"]),
    ("squeeze-non-one", lambda e: e["x"].squeeze(0), VALUE, ["squeeze", "axis 0"]),
    ("unsqueeze-range", lambda e: e["x"].unsqueeze(9), VALUE, ["unsqueeze", "axis 9"]),
    ("expand-incompatible", lambda e: e["x"].expand(5, 5), VALUE, ["(2, 3)", "(5, 5)"]),
    ("flatten-order", lambda e: e["x"].flatten(1, 0), VALUE, ["flatten"]),
    ("concatenate-empty", lambda e: ag.concatenate([]), VALUE, ["concatenate"]),
    ("concatenate-shapes", lambda e: ag.concatenate([e["x"], e["y"]]), VALUE,
     ["concatenate", "(4,)"]),
    ("stack-shapes", lambda e: ag.stack([e["x"], e["z"].reshape(3, 2)]), VALUE, ["stack"]),
    ("split-uneven", lambda e: e["x"].split(2, axis=1), VALUE, ["split"]),
    ("pad-crop-too-much", lambda e: e["x"].pad(((0, 0), (-99, 0))), VALUE, ["pad", "crops"]),
    ("getitem-out-of-range", lambda e: e["x"][5], INDEX, ["getitem", "5"]),
    ("getitem-string", lambda e: e["x"]["a"], INDEX + TYPE, ["getitem"]),
    ("getitem-too-many", lambda e: e["x"][0, 0, 0], INDEX, ["getitem"]),
    ("astype-unknown", lambda e: e["x"].astype("no-such-dtype"), TYPE,
     ["astype", "no-such-dtype"]),
    ("astype-string", lambda e: e["x"].astype(str), TYPE, ["astype", "<U"]),
    ("astype-object", lambda e: e["z"].astype(object), TYPE, ["astype", "object"]),
    ("item-many", lambda e: e["x"].item(), VALUE, ["item", "(2, 3)"]),
    ("bool-many", lambda e: bool(e["x"]), VALUE, ["ambiguous"]),
    # ---- in place and assignment
    ("iadd-leaf-recording", lambda e: e["x"].__iadd__(1.0), GRAPH, ["leaf", "no_grad"]),
    ("iadd-shape-no-grad", lambda e: e["z"].__iadd__(e["y"]), VALUE, ["add", "(2, 3)"]),
    ("iadd-string", lambda e: e["z"].__iadd__("abc"), TYPE, ["add"]),
    ("imul-grows-shape", lambda e: e["z"].__imul__(np.ones((4, 2, 3))), VALUE,
     ["mul", "(4, 2, 3)"]),
    ("idiv-float-into-int", lambda e: e["i"].__itruediv__(2.0), TYPE, ["div", "int64"]),
    ("setitem-recording", lambda e: e["x"].__setitem__(0, 1.0), GRAPH, ["setitem"]),
    ("setitem-shape", lambda e: e["z"].__setitem__(0, np.ones(5)), VALUE, ["setitem", "(5,)"]),
    ("setitem-string", lambda e: e["z"].__setitem__(0, "abc"), VALUE_OR_TYPE, ["setitem"]),
    ("setitem-index", lambda e: e["z"].__setitem__(7, 1.0), INDEX, ["setitem", "7"]),
    ("zero_-recording", lambda e: e["h"].zero_(), GRAPH, ["zero_"]),
    ("requires_grad_-int", lambda e: e["i"].requires_grad_(), TYPE, ["requires_grad_"]),
    ("requires_grad_-off-non-leaf", lambda e: e["h"].requires_grad_(False), GRAPH,
     ["requires_grad_", "detach"]),
    # ---- backward and grad
    ("backward-non-scalar", lambda e: e["h"].backward(), GRAPH, ["backward", "(2, 3)"]),
    ("backward-gradient-shape", lambda e: e["h"].backward(gradient=np.ones(3)), VALUE,
     ["backward", "(3,)"]),
    ("backward-gradient-string", lambda e: e["s"].exp().backward(gradient="abc"),
     VALUE_OR_TYPE, ["backward", "gradient"]),
    ("backward-gradient-object",
     lambda e: e["s"].exp().backward(gradient=np.array(object())), TYPE,
     ["backward", "gradient"]),
    ("backward-no-grad", lambda e: e["z"].sum().backward(), GRAPH, ["require grad"]),
    ("backward-wrong-count", lambda e: BadRule.apply(e["x"]).sum().backward(), GRAPH,
     ["badrule", "2 gradients", "1 input"]),
    ("grad-input-no-grad", lambda e: ag.grad(e["h"].sum(), e["z"]), GRAPH, ["grad", "input 0"]),
    ("grad-unused", lambda e: ag.grad(e["h"].sum(), e["s"]), GRAPH, ["allow_unused"]),
    ("grad-outputs-count", lambda e: ag.grad(e["h"].sum(), e["x"], grad_outputs=[1.0, 2.0]),
     GRAPH, ["grad_outputs"]),
    ("register_hook-no-grad", lambda e: e["z"].register_hook(print), GRAPH, ["register_hook"]),
    ("retain_grad-no-grad", lambda e: e["z"].retain_grad(), GRAPH, ["retain_grad"]),
    # ---- layers: negative or zero sizes, wrong types
    ("Linear-negative", lambda e: nn.Linear(-1, 3), VALUE, ["Linear", "in_features"]),
    ("Linear-float", lambda e: nn.Linear(3, 2.5), VALUE_OR_TYPE, ["Linear", "out_features"]),
    ("Linear-string", lambda e: nn.Linear("3", 2), VALUE_OR_TYPE, ["Linear", "in_features"]),
    ("Linear-nan", lambda e: nn.Linear(NAN, 2), VALUE_OR_TYPE, ["Linear", "in_features"]),
    ("Linear-forward-shape", lambda e: e["model"](ag.ones(4, 5)), VALUE, ["linear", "(4, 5)"]),
    ("Linear-forward-string", lambda e: e["model"](np.array([["a", "b", "c"]])), TYPE,
     ["linear"]),
    ("Linear-forward-0d", lambda e: e["model"](ag.tensor(1.0)), VALUE, ["linear"]),
    ("Conv2d-zero-kernel", lambda e: nn.Conv2d(3, 4, kernel_size=0), VALUE,
     ["Conv2d", "kernel_size"]),
    ("Conv2d-negative-channels", lambda e: nn.Conv2d(-3, 4, 3), VALUE,
     ["Conv2d", "channels", "-3"]),
    ("Conv2d-zero-stride", lambda e: nn.Conv2d(3, 4, 3, stride=0), VALUE, ["Conv2d", "stride"]),
    ("Conv2d-negative-padding", lambda e: nn.Conv2d(3, 4, 3, padding=-1), VALUE,
     ["Conv2d", "padding"]),
    ("Conv2d-forward-channels", lambda e: nn.Conv2d(3, 4, 3)(ag.ones(1, 2, 5, 5)), VALUE,
     ["conv", "channels"]),
    ("MaxPool2d-zero", lambda e: nn.MaxPool2d(0), VALUE, ["MaxPool2d", "kernel_size"]),
    ("MaxPool2d-negative-stride", lambda e: nn.MaxPool2d(2, stride=-1), VALUE,
     ["MaxPool2d", "stride"]),
    ("AvgPool2d-padding-too-big", lambda e: nn.AvgPool2d(2, padding=3), VALUE,
     ["AvgPool2d", "padding"]),
    ("Dropout-above-one", lambda e: nn.Dropout(1.5), VALUE, ["dropout", "1.5"]),
    ("Dropout-nan", lambda e: nn.Dropout(NAN), VALUE, ["dropout", "nan"]),
    ("Dropout-string", lambda e: nn.Dropout("a"), VALUE_OR_TYPE, ["dropout"]),
    ("Embedding-negative", lambda e: nn.Embedding(-1, 4), VALUE,
     ["Embedding", "num_embeddings"]),
    ("Embedding-padding-idx", lambda e: nn.Embedding(5, 4, padding_idx=9), VALUE,
     ["Embedding", "padding_idx"]),
    ("Embedding-float-ids", lambda e: nn.Embedding(5, 4)(np.array([0.5])), TYPE,
     ["embedding"]),
    ("Embedding-id-range", lambda e: nn.Embedding(5, 4)(np.array([7])), INDEX,
     ["embedding", "7"]),
    ("BatchNorm1d-negative", lambda e: nn.BatchNorm1d(-2), VALUE,
     ["BatchNorm1d", "num_features"]),
    ("BatchNorm1d-forward-features", lambda e: nn.BatchNorm1d(4)(ag.ones(3, 5)), VALUE,
     ["BatchNorm1d", "(3, 5)"]),
    ("LayerNorm-negative", lambda e: nn.LayerNorm(-1), VALUE, ["LayerNorm", "normalized_shape"]),
    ("Sequential-non-module", lambda e: nn.Sequential(nn.Linear(2, 2), "relu"), TYPE,
     ["Module", "str"]),
    ("Module-to-bad-dtype", lambda e: e["model"].to(np.int32), VALUE_OR_TYPE, ["int32"]),
    # ---- losses: unknown reduction, mismatched shapes and targets, NaN where invalid
    ("MSELoss-reduction", lambda e: nn.MSELoss(reduction="avg"), VALUE, ["reduction", "avg"]),
    ("CrossEntropyLoss-reduction", lambda e: nn.CrossEntropyLoss(reduction=None), VALUE,
     ["reduction", "None"]),
    ("BCEWithLogitsLoss-reduction",
     lambda e: nn.BCEWithLogitsLoss(reduction="elementwise_mean"), VALUE, ["reduction"]),
    ("mse-shape", lambda e: F.mse_loss(e["x"], e["y"]), VALUE, ["mse_loss", "(4,)"]),
    ("l1-shape", lambda e: F.l1_loss(e["x"], np.ones((3, 2))), VALUE, ["l1_loss", "(3, 2)"]),
    ("huber-delta", lambda e: F.huber_loss(e["x"], e["z"], delta=-1.0), VALUE,
     ["huber_loss", "delta"]),
    ("cross_entropy-target-range", lambda e: F.cross_entropy(e["x"], np.array([0, 3])), INDEX,
     ["cross_entropy", "3"]),
    ("cross_entropy-target-negative", lambda e: F.cross_entropy(e["x"], np.array([0, -2])),
     INDEX, ["cross_entropy", "-2"]),
    ("cross_entropy-target-shape", lambda e: F.cross_entropy(e["x"], np.array([0, 1, 2])),
     VALUE, ["cross_entropy", "(3,)"]),
    ("cross_entropy-target-strings", lambda e: F.cross_entropy(e["x"], np.array(["a", "b"])),
     TYPE, ["cross_entropy", "target"]),
    ("cross_entropy-target-nan", lambda e: F.cross_entropy(e["x"], np.array([0.0, NAN])),
     VALUE_OR_TYPE, ["cross_entropy", "target"]),
    ("cross_entropy-smoothing", lambda e: F.cross_entropy(e["x"], np.array([0, 1]),
                                                          label_smoothing=2.0), VALUE,
     ["cross_entropy", "label_smoothing"]),
    ("cross_entropy-0d", lambda e: F.cross_entropy(e["s"], np.array(0)), VALUE,
     ["cross_entropy", "0-d"]),
    ("nll-target-shape", lambda e: F.nll_loss(e["x"], np.array([[0, 1]])), VALUE,
     ["nll_loss", "(1, 2)"]),
    ("bce-outside-unit-interval", lambda e: F.binary_cross_entropy(e["x"], e["z"]), VALUE,
     ["binary_cross_entropy", "between 0 and 1"]),
    ("bce-with-logits-shape", lambda e: F.binary_cross_entropy_with_logits(e["x"], e["y"]),
     VALUE, ["binary_cross_entropy_with_logits", "(4,)"]),
    ("bce-with-logits-string-target",
     lambda e: F.binary_cross_entropy_with_logits(e["x"], np.full((2, 3), "a")), TYPE,
     ["binary_cross_entropy_with_logits", "target"]),
    # ---- optimizers and schedulers
    ("SGD-negative-lr", lambda e: nn.optim.SGD(e["model"].parameters(), lr=-0.1), VALUE,
     ["SGD", "lr"]),
    ("SGD-nan-lr", lambda e: nn.optim.SGD(e["model"].parameters(), lr=NAN), VALUE,
     ["SGD", "lr"]),
    ("SGD-string-lr", lambda e: nn.optim.SGD(e["model"].parameters(), lr="fast"), TYPE,
     ["SGD", "lr"]),
    ("SGD-negative-momentum", lambda e: nn.optim.SGD(e["model"].parameters(), lr=0.1,
                                                     momentum=-0.5), VALUE, ["momentum"]),
    ("SGD-nesterov-no-momentum", lambda e: nn.optim.SGD(e["model"].parameters(), lr=0.1,
                                                        nesterov=True), VALUE, ["nesterov"]),
    ("SGD-empty", lambda e: nn.optim.SGD([], lr=0.1), VALUE, ["SGD", "empty"]),
    ("SGD-single-tensor", lambda e: nn.optim.SGD(e["x"], lr=0.1), TYPE, ["SGD", "list"]),
    ("SGD-non-leaf", lambda e: nn.optim.SGD([e["h"]], lr=0.1), VALUE, ["SGD", "leaf"]),
    ("SGD-not-tensors", lambda e: nn.optim.SGD([1.0, 2.0], lr=0.1), TYPE, ["SGD", "float"]),
    ("Adam-betas", lambda e: nn.optim.Adam(e["model"].parameters(), betas=(1.5, 0.9)), VALUE,
     ["Adam", "beta"]),
    ("Adam-eps", lambda e: nn.optim.Adam(e["model"].parameters(), eps=-1e-8), VALUE,
     ["Adam", "eps"]),
    ("AdamW-weight-decay", lambda e: nn.optim.AdamW(e["model"].parameters(), weight_decay=-1),
     VALUE, ["AdamW", "weight_decay"]),
    ("RMSprop-alpha", lambda e: nn.optim.RMSprop(e["model"].parameters(), alpha=-0.9), VALUE,
     ["RMSprop", "alpha"]),
    ("Adagrad-lr_decay", lambda e: nn.optim.Adagrad(e["model"].parameters(), lr_decay=-1),
     VALUE, ["Adagrad", "lr_decay"]),
    ("add_param_group-duplicate",
     lambda e: e["opt"].add_param_group({"params": [e["model"].weight]}), VALUE,
     ["more than one"]),
    ("add_param_group-negative-lr",
     lambda e: e["opt"].add_param_group({"params": [e["s"]], "lr": -1.0}), VALUE, ["lr"]),
    ("optimizer-load_state_dict-junk", lambda e: e["opt"].load_state_dict({"junk": 1}),
     VALUE_OR_TYPE, ["SGD", "state"]),
    ("StepLR-step_size", lambda e: lr_scheduler.StepLR(e["opt"], step_size=0), VALUE,
     ["StepLR", "step_size"]),
    ("ExponentialLR-gamma", lambda e: lr_scheduler.ExponentialLR(e["opt"], gamma="x"), TYPE,
     ["ExponentialLR", "gamma"]),
    ("ReduceLROnPlateau-mode", lambda e: lr_scheduler.ReduceLROnPlateau(e["opt"], mode="up"),
     VALUE, ["ReduceLROnPlateau", "mode"]),
    ("scheduler-not-optimizer", lambda e: lr_scheduler.StepLR(e["model"], step_size=2), TYPE,
     ["StepLR", "Optimizer"]),
    # ---- data loading
    ("DataLoader-batch-zero", lambda e: nn.data.DataLoader(e["data"], batch_size=0), VALUE,
     ["DataLoader", "batch_size"]),
    ("DataLoader-batch-negative", lambda e: nn.data.DataLoader(e["data"], batch_size=-4),
     VALUE, ["DataLoader", "batch_size"]),
    ("DataLoader-batch-float", lambda e: nn.data.DataLoader(e["data"], batch_size=2.5), VALUE,
     ["DataLoader", "batch_size"]),
    ("DataLoader-batch-string", lambda e: nn.data.DataLoader(e["data"], batch_size="8"), VALUE,
     ["DataLoader", "batch_size"]),
    ("DataLoader-None", lambda e: nn.data.DataLoader(None), TYPE, ["DataLoader", "dataset"]),
    ("DataLoader-generator", lambda e: nn.data.DataLoader(e["data"], shuffle=True,
                                                          generator="seed"), TYPE,
     ["DataLoader", "generator"]),
    ("TensorDataset-lengths", lambda e: nn.data.TensorDataset(e["data"], np.ones(9)), VALUE,
     ["TensorDataset", "(9,)"]),
    ("TensorDataset-empty", lambda e: nn.data.TensorDataset(), VALUE, ["TensorDataset"]),
    # ---- init and utils
    ("xavier-1d", lambda e: nn.init.xavier_uniform_(e["y"]), VALUE, ["fan"]),
    ("kaiming-mode", lambda e: nn.init.kaiming_uniform_(e["model"].weight, mode="fan_mid"),
     VALUE, ["mode", "fan_mid"]),
    ("calculate_gain-unknown", lambda e: nn.init.calculate_gain("swish"), VALUE,
     ["swish"]),
    ("clip_grad_norm-nan-max", lambda e: nn.utils.clip_grad_norm_(e["model"].parameters(),
                                                                  max_norm=NAN), VALUE,
     ["clip_grad_norm_", "max_norm"]),
    ("clip_grad_value-negative", lambda e: nn.utils.clip_grad_value_(e["model"].parameters(),
                                                                     clip_value=-1.0), VALUE,
     ["clip_grad_value_", "clip_value"]),
    # ---- state dicts and files
    ("load_state_dict-list", lambda e: e["model"].load_state_dict([1, 2]), TYPE,
     ["load_state_dict", "list"]),
    ("load_state_dict-shape",
     lambda e: e["model"].load_state_dict({"weight": np.ones((3, 3)), "bias": np.ones(2)}),
     VALUE, ["weight", "(3, 3)"]),
    ("load_state_dict-strings",
     lambda e: e["model"].load_state_dict({"weight": np.full((2, 3), "a"), "bias": np.ones(2)}),
     VALUE, ["weight", "dtype"]),
    ("load_state_dict-missing", lambda e: e["model"].load_state_dict({"weight": np.ones((2, 3))}),
     VALUE, ["bias", "missing"]),
    ("load-not-a-file", lambda e: e["model"].load(__file__), VALUE, ["load", ".npz"]),
]


# Defects found in nn (owned by the nn helpers, listed in the issue-9 report): strict xfail,
# so the suite says so the moment one is fixed and the mark can go.
KNOWN_DEFECTS = {}
CASES = [case if case[0] not in KNOWN_DEFECTS else
         pytest.param(*case, id=case[0], marks=pytest.mark.xfail(
             strict=True, reason=KNOWN_DEFECTS[case[0]]))
         for case in CASES]


def _case_id(case):
    return case.id if hasattr(case, "id") else case[0]


def test_table_is_large_and_ids_unique():
    ids = [_case_id(case) for case in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(CASES) >= 60


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, call, errors, words", CASES, ids=[_case_id(c) for c in CASES])
def test_bad_input_raises_precisely_and_changes_nothing(name, call, errors, words):
    env = make_env()
    # give the parameters and x gradients, so a corrupted .grad would show
    (env["model"](env["z"]).sum() + (env["x"] * 3.0).sum()).backward()
    env["h"] = env["x"] * 2.0
    env["opt"].step()
    before = snapshot(env)
    with pytest.raises(Exception) as info:
        call(env)
    exc = info.value
    assert isinstance(exc, errors), (
        f"{name}: raised {type(exc).__name__} ({exc}), expected one of "
        f"{', '.join(e.__name__ for e in errors)}")
    message = str(exc).lower()
    missing = [w for w in words if w.lower() not in message]
    assert not missing, f"{name}: the message does not name {missing}: {exc}"
    assert_same(before, snapshot(env))
