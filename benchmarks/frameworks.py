"""graphgrad and PyTorch behind one small interface, so a workload is written once.

graphgrad's ``nn`` follows PyTorch's names, so the same model-building and training-step
code runs on both: only the ``nn`` namespace, the optimizer module and the function that
turns a numpy array into a tensor differ. A framework that is not installed (or, for
graphgrad, a name of ``nn`` not written yet) raises ``Unavailable``, which the harness turns
into a skipped candidate with a note.
"""
from dataclasses import dataclass

from .harness import OURS, REFERENCE, Candidate, copy_weights, require


@dataclass
class Framework:
    name: str
    role: str
    nn: object        # graphgrad's nn or torch.nn: layers, Sequential, functional
    optim: object     # nn.optim or torch.optim
    tensor: object    # numpy array -> tensor (shares or copies the array)
    param_data: object  # numpy array -> what ``parameter.data`` is assigned


def graphgrad(*nn_names):
    """graphgrad's public API, checked to have ``nn_names`` (dotted) besides SGD and the loss."""
    ag = require("graphgrad.autograd", "tensor")
    nn = require("graphgrad.nn", "Sequential", "functional.cross_entropy", "optim.SGD", *nn_names)
    # NOTE: graphgrad's Tensor.data is the numpy array itself, as the design pins it.
    return Framework("graphgrad", OURS, nn, nn.optim, ag.tensor, lambda array: array)


def pytorch(*nn_names):
    torch = require("torch")
    for name in nn_names:
        require("torch.nn", name)
    return Framework("torch", REFERENCE, torch.nn, torch.optim, torch.from_numpy,
                     torch.from_numpy)


FRAMEWORKS = [("graphgrad", OURS, graphgrad), ("torch", REFERENCE, pytorch)]


def sgd_training_step(fw, model, weights, x, y, lr):
    """Load ``weights`` into ``model``; return the step a PyTorch user writes, as a callable.

    The step is: zero the grads, forward, cross-entropy on integer labels, backward, SGD
    update; it returns the loss as a Python float.
    """
    copy_weights(model, weights, fw.param_data)
    opt = fw.optim.SGD(model.parameters(), lr=lr)
    inputs, targets = fw.tensor(x), fw.tensor(y)
    cross_entropy = fw.nn.functional.cross_entropy

    def step():
        opt.zero_grad()
        loss = cross_entropy(model(inputs), targets)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def training_candidates(nn_names, build_model, weights, x, y, lr):
    """graphgrad and PyTorch candidates for one model: same weights, data and step."""
    def candidate(factory):
        def setup():
            fw = factory(*nn_names)
            return sgd_training_step(fw, build_model(fw.nn), weights, x, y, lr)
        return setup

    return [Candidate(name, role, candidate(factory))
            for name, role, factory in FRAMEWORKS]
