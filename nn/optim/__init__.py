"""Optimizers and learning-rate schedulers with PyTorch's names, defaults and updates.

>>> from graphgrad import nn
>>> model = nn.Linear(4, 2)
>>> opt = nn.optim.Adam(model.parameters(), lr=1e-3)
>>> sched = nn.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
>>> opt.step(); sched.step(); opt.step(); sched.get_last_lr()
[0.001]
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "NAdam", "RAdam",
           "Adamax", "Adadelta", "LBFGS", "lr_scheduler"]
