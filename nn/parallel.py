"""Data-parallel training across processes on MPI (mpi4py): ``init`` and
``DistributedDataParallel``.

Every process (a *rank*) holds a full copy of the model, runs forward and
backward on its own shard of the batch, and the ranks average their gradients
with MPI allreduce, so each optimizer step sees the gradient of the whole
batch and the copies stay identical. Start the job with::

    mpiexec -n 2 python -m mpi4py train.py

``python -m mpi4py`` turns an uncaught exception on any rank into
``MPI_Abort``: the whole job stops with the error instead of the other ranks
waiting forever in a collective. Needs the ``dist`` extra
(``pip install 'graphgrad[dist]'``: mpi4py and the mpich wheel, which puts
``mpiexec`` into the environment's ``bin``).

How gradients are exchanged (the engine's part):

* A hook on a leaf runs when the leaf's gradient of the pass is final (all
  of its consumers have sent theirs), and ``.grad`` is written only after
  the whole pass succeeded. So each parameter hook copies
  ``.grad`` (what earlier passes accumulated, e.g. under ``no_sync``) plus the
  pass's gradient into its slot of a flat bucket; when every parameter of a
  bucket is in, a non-blocking ``Iallreduce`` starts while backward goes on.
* Buckets are filled in reverse registration order (as PyTorch, roughly the
  order backward reaches them) and are started strictly in bucket order, so
  every rank issues the same collectives in the same order.
* At the end of the pass (``autograd.queue_callback``) it fills the slots of
  parameters that got no gradient (with their ``.grad`` or zeros), starts the
  remaining buckets, waits, divides by the number of ranks and writes
  ``.grad``. A parameter that no rank used keeps ``.grad`` as it was (None),
  as PyTorch's ``find_unused_parameters``; one that some rank used gets the
  average with zeros from the others, on every rank.
* ``autograd.grad`` passes (``current_backward().accumulates`` False) and
  passes inside ``no_sync()`` stay local.

Devices: MPI reduces host memory, so the buckets are numpy arrays on the host whatever
the model's device. A gradient on a device (``"cuda"``, array-api-strict) is copied into
its bucket slot with ``backend.to_host``, the ranks all-reduce the host buckets, and the
averages are copied back to each parameter's device (``backend.from_host``): two copies
per parameter and step, the price of MPI without device-aware transport. Parameters and
buffers on a device are broadcast the same way (through a host copy) at construction and
forward. numpy models use the buckets directly, as before (no extra copy).
"""
from __future__ import annotations

import itertools
import time
from collections import namedtuple
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..autograd import (
    AutogradError,
    BackwardPass,
    ShapeError,
    Tensor,
    backend,
    current_backward,
    queue_callback,
)
from .module import Module

__all__ = ["init", "ProcessGroup", "DistributedDataParallel", "DistributedError"]

ProcessGroup = namedtuple("ProcessGroup", ["comm", "rank", "world_size"])
ProcessGroup.__doc__ = """An MPI communicator with this process's rank and the number of ranks.

``init()`` returns one; a named tuple ``(comm, rank, world_size)``.

Examples
--------
>>> from graphgrad.nn import parallel
>>> group = parallel.init()
>>> group.world_size, group.comm.Get_size()     # one process here
(1, 1)
>>> parallel.ProcessGroup._fields
('comm', 'rank', 'world_size')
"""


class DistributedError(AutogradError):
    """The ranks of a data-parallel job disagree (model structure, dtypes).

    ``DistributedDataParallel`` raises it on every rank, before any collective that
    would hang, when the ranks' parameters and buffers differ in names, shapes or dtypes.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import parallel
    >>> issubclass(parallel.DistributedError, gg.AutogradError)   # caught with the others
    True
    """


def _mpi() -> Any:
    try:
        from mpi4py import MPI
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("nn.parallel needs mpi4py and an MPI library: "
                          "pip install 'graphgrad[dist]'") from error
    return MPI


def init(comm: Any = None) -> ProcessGroup:
    """Return the communicator to train on, this process's rank and the world size.

    Parameters
    ----------
    comm : mpi4py communicator, optional
        Default ``MPI.COMM_WORLD`` (every process ``mpiexec`` started).

    Returns
    -------
    ProcessGroup
        ``(comm, rank, world_size)``.

    Examples
    --------
    >>> from graphgrad.nn import parallel
    >>> group = parallel.init()        # under mpiexec -n 4: rank 0..3 of 4
    >>> group.rank, group.world_size   # a plain `python` run is one rank
    (0, 1)
    """
    if comm is None:
        comm = _mpi().COMM_WORLD
    return ProcessGroup(comm, comm.Get_rank(), comm.Get_size())


class _Bucket:
    """Parameters whose gradients travel in one flat array (host memory: MPI reduces it)."""

    def __init__(self, indices: list[int], params: Sequence[Tensor]) -> None:
        self.indices = indices
        self.offsets = list(itertools.accumulate([params[i].data.size for i in indices],
                                                 initial=0))
        self.flat = backend.host_zeros(self.offsets[-1], params[indices[0]].data.dtype)
        self.used = backend.host_zeros(len(indices), "int32")  # 1: a gradient exists here

    def slot(self, position: int, shape: tuple[int, ...]) -> np.ndarray:
        return self.flat[self.offsets[position]:self.offsets[position + 1]].reshape(shape)


class DistributedDataParallel(Module):
    """Wrap ``module`` to train one copy per MPI rank on shards of each batch.

    At construction the parameters and buffers of rank 0 are broadcast to
    every rank (after checking that all ranks hold the same names, shapes and
    dtypes). After ``loss.backward()`` every rank's ``.grad`` holds the average
    of the ranks' gradients. See the module docstring for how.

    Parameters
    ----------
    module : Module
    bucket_cap_mb : float
        Largest bucket of gradients reduced by one allreduce (MiB).
    broadcast_buffers : bool
        Broadcast rank 0's buffers (e.g. BatchNorm running statistics) at the
        start of every forward, as PyTorch.
    comm : mpi4py communicator, optional
        Default ``MPI.COMM_WORLD``.

    Attributes
    ----------
    module : Module
        The wrapped module (save ``ddp.module.state_dict()`` on rank 0).
    wait_seconds : float
        Time the last synchronised backward spent waiting for allreduce
        at its end (communication not hidden behind backward).

    Examples
    --------
    The training loop is the single-process one; run it with ``mpiexec -n 4 python -m
    mpi4py train.py`` and each rank feeds its own shard (here one rank, the whole batch):

    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> model = nn.parallel.DistributedDataParallel(nn.Linear(2, 1))
    >>> _ = nn.init.ones_(model.module.weight)
    >>> model(gg.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    >>> model.module.weight.grad     # averaged over the ranks: the batch's gradient
    Tensor([[4., 6.]], dtype=float32)
    """

    def __init__(self, module: Module, bucket_cap_mb: float = 25, broadcast_buffers: bool = True,
                 comm: Any = None) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel: expected a Module, got "
                            f"{type(module).__name__}")
        if not bucket_cap_mb > 0:
            raise ValueError(f"DistributedDataParallel: bucket_cap_mb must be positive, "
                             f"got {bucket_cap_mb}")
        self.module = module
        group = init(comm)
        object.__setattr__(self, "_group", group)
        self.broadcast_buffers = bool(broadcast_buffers)
        self.wait_seconds = 0.0
        self._sync = True
        self._pass: BackwardPass | None = None
        named = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        self._check_same_structure(module)
        self._broadcast([p.data for p in module.parameters()])
        self._broadcast([b.data for b in module.buffers()])
        self._params = [p for _, p in named]
        self._buckets = self._make_buckets(bucket_cap_mb * 2 ** 20)
        self._where = {}
        for b, bucket in enumerate(self._buckets):
            for position, index in enumerate(bucket.indices):
                self._where[index] = (b, position)
        self._handles = [p.register_hook(self._hook_for(i)) for i, p in enumerate(self._params)]

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Run the wrapped module (after broadcasting rank 0's buffers).

        Calling the model (``model(x)``) runs this, as for any Module.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> model = nn.parallel.DistributedDataParallel(nn.BatchNorm1d(2))
        >>> model.forward(gg.tensor([[1.0, 2.0], [3.0, 6.0]])).shape
        (2, 2)
        >>> model.module.running_mean      # rank 0's statistics, sent to every rank
        Tensor([0.2, 0.4], dtype=float32)
        """
        if self.broadcast_buffers:
            self._broadcast([b.data for b in self.module.buffers()])
        return self.module(*args, **kwargs)

    @contextmanager
    def no_sync(self) -> Iterator[None]:
        """Inside this context backward accumulates local gradients only.

        The first synchronised backward after it averages the accumulated
        ``.grad`` together with its own gradient (gradient accumulation).

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> model = nn.parallel.DistributedDataParallel(nn.Linear(2, 1))
        >>> x = gg.tensor([[1.0, 2.0]])
        >>> with model.no_sync():                 # micro-batch 1: local, no allreduce
        ...     model(x).sum().backward()
        >>> model(x).sum().backward()             # micro-batch 2: averages the sum
        >>> model.module.weight.grad              # x + x (one rank: average = sum)
        Tensor([[2., 4.]], dtype=float32)
        """
        before, self._sync = self._sync, False
        try:
            yield
        finally:
            self._sync = before

    # -- construction ------------------------------------------------------------------

    def _check_same_structure(self, module: Module) -> None:
        mine = [(name, tuple(t.shape), str(t.data.dtype)) for name, t in
                list(module.named_parameters()) + list(module.named_buffers())]
        everyone = self._group.comm.allgather(mine)
        for rank, theirs in enumerate(everyone):
            if theirs != everyone[0]:
                differ = [f"{a} vs {b}" for a, b in zip(everyone[0], theirs) if a != b]
                detail = ", ".join(differ[:3]) or f"{len(everyone[0])} vs {len(theirs)} tensors"
                raise DistributedError(f"DistributedDataParallel: rank {rank}'s module differs "
                                       f"from rank 0's ({detail}); build the same model on "
                                       "every rank")

    def _broadcast(self, arrays: list[np.ndarray]) -> None:
        comm = self._group.comm
        if self._group.world_size == 1:
            return
        for array in arrays:
            if not backend.is_numpy(array):  # a device array: through a host copy
                host = backend.host_zeros(array.shape, array.dtype)
                host[...] = backend.to_host(array)
                comm.Bcast(host, root=0)
                array[...] = backend.from_host(host, like=array)
                continue
            if not (array.flags.c_contiguous and array.flags.writeable):
                raise ShapeError("DistributedDataParallel: a parameter or buffer of shape "
                                 f"{array.shape} is not a writable contiguous array; "
                                 "make it one (np.ascontiguousarray) before wrapping")
            comm.Bcast(array, root=0)

    def _make_buckets(self, cap_bytes: float) -> list[_Bucket]:
        buckets: list[_Bucket] = []
        current: list[int] = []
        size = 0
        for index in reversed(range(len(self._params))):
            data = self._params[index].data
            nbytes = data.size * backend.numpy_dtype(data.dtype).itemsize
            if current and (size + nbytes > cap_bytes
                            or data.dtype != self._params[current[0]].data.dtype):
                buckets.append(_Bucket(current, self._params))
                current, size = [], 0
            current.append(index)
            size += nbytes
        if current:
            buckets.append(_Bucket(current, self._params))
        return buckets

    # -- backward ----------------------------------------------------------------------

    def _hook_for(self, index: int) -> Callable[[Any], None]:
        def hook(grad: Any) -> None:  # a Tensor (or its array)
            running = current_backward()
            if running is None or not running.accumulates or not self._sync:
                return None  # autograd.grad and no_sync stay local
            if self._pass is not running:
                self._start_pass(running)
            self._fill(index, grad.data if hasattr(grad, "data") else grad)
            self._launch_ready()
            return None
        return hook

    def _start_pass(self, running: BackwardPass) -> None:
        self._pass = running
        self._filled = [[False] * len(b.indices) for b in self._buckets]
        self._requests: list[Any] = []  # mpi4py requests of this pass
        self._launched = 0
        for bucket in self._buckets:
            bucket.used[:] = 0
        queue_callback(self._finish)

    def _fill(self, index: int, grad: np.ndarray) -> None:
        b, position = self._where[index]
        bucket, param = self._buckets[b], self._params[index]
        slot = bucket.slot(position, param.data.shape)
        slot[...] = backend.to_host(grad)  # NOTE: a device's gradient comes to the host here
        if param.grad is not None:
            slot += backend.to_host(param.grad.data)
        bucket.used[position] = 1
        self._filled[b][position] = True

    def _launch_ready(self) -> None:
        mpi = _mpi()
        while self._launched < len(self._buckets) and all(self._filled[self._launched]):
            bucket = self._buckets[self._launched]
            self._requests.append(self._group.comm.Iallreduce(mpi.IN_PLACE, bucket.flat,
                                                              op=mpi.SUM))
            self._requests.append(self._group.comm.Iallreduce(mpi.IN_PLACE, bucket.used,
                                                              op=mpi.SUM))
            self._launched += 1
        if self._requests:
            mpi.Request.Testall(self._requests)  # NOTE: lets MPI progress the reductions

    def _finish(self) -> None:
        for bucket, filled in zip(self._buckets, self._filled):
            for position in [p for p, done in enumerate(filled) if not done]:
                index = bucket.indices[position]
                param = self._params[index]
                slot = bucket.slot(position, param.data.shape)
                if param.grad is not None:
                    slot[...] = backend.to_host(param.grad.data)
                    bucket.used[position] = 1
                else:
                    slot[...] = 0
            filled[:] = [True] * len(filled)
        self._launch_ready()
        start = time.perf_counter()
        _mpi().Request.Waitall(self._requests)
        self.wait_seconds = time.perf_counter() - start
        size = self._group.world_size
        for bucket in self._buckets:
            bucket.flat /= size
            for position, index in enumerate(bucket.indices):
                if not bucket.used[position]:
                    continue  # no rank has a gradient here: .grad stays None
                param = self._params[index]
                average = bucket.slot(position, param.data.shape)
                grad = param.grad
                if (grad is not None and not grad.requires_grad
                        and backend.is_writable(grad.data)):
                    # NOTE: a device's gradient is written back from the host here
                    grad.data[...] = (average if backend.is_numpy(grad.data)
                                      else backend.from_host(average, like=grad.data))
                else:  # a new array (the bucket is reused): on the parameter's device
                    param.grad = Tensor(backend.from_host(average, like=param.data))
        self._pass = None
        self._requests = []
