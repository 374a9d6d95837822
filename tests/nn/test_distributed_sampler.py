"""DistributedSampler and DataLoader(shard=...): each rank's disjoint part of an epoch."""
import doctest

import numpy as np
import pytest

from graphgrad import nn

DistributedSampler = nn.data.DistributedSampler
CASES = [(n, size) for n in (0, 1, 5, 7, 8, 13) for size in (1, 2, 3, 4)]


def parts(n, size, epoch=0, **options):
    samplers = [DistributedSampler(n, size, rank, **options) for rank in range(size)]
    for sampler in samplers:
        sampler.set_epoch(epoch)
    return [list(s) for s in samplers], samplers


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize(("n", "size"), CASES)
def test_padded_parts_are_equal_length_disjoint_up_to_padding_and_cover_the_epoch(n, size,
                                                                                  shuffle):
    got, samplers = parts(n, size, shuffle=shuffle, seed=3)
    per_rank = -(-n // size)
    assert [len(p) for p in got] == [per_rank] * size == [len(s) for s in samplers]
    everything = sorted(i for p in got for i in p)
    assert set(everything) == set(range(n))
    # the padding repeats exactly size * per_rank - n indices, each once
    assert len(everything) - n == size * per_rank - n


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize(("n", "size"), CASES)
def test_drop_last_parts_are_disjoint_and_drop_only_the_tail(n, size, shuffle):
    got, _ = parts(n, size, shuffle=shuffle, drop_last=True)
    flat = [i for p in got for i in p]
    assert len(flat) == len(set(flat)) == (n // size) * size
    assert [len(p) for p in got] == [n // size] * size


@pytest.mark.parametrize(("n", "size"), [c for c in CASES if c[0] > 0])
@pytest.mark.parametrize("drop_last", [False, True])
def test_indices_match_pytorch_without_shuffle(n, size, drop_last):
    torch_data = pytest.importorskip("torch.utils.data")
    for rank in range(size):
        theirs = torch_data.DistributedSampler(range(n), num_replicas=size, rank=rank,
                                               shuffle=False, drop_last=drop_last)
        ours = DistributedSampler(n, size, rank, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_epochs_reshuffle_identically_on_every_rank():
    first, _ = parts(10, 2, epoch=0, seed=7)
    again, _ = parts(10, 2, epoch=0, seed=7)
    second, _ = parts(10, 2, epoch=1, seed=7)
    assert first == again
    assert first != second
    assert sorted(first[0] + first[1]) == sorted(second[0] + second[1]) == list(range(10))


@pytest.mark.parametrize(("arguments", "error", "match"), [
    ((5, 2, 2), ValueError, r"rank must be an int in \[0, 2\), got 2"),
    ((5, 2, -1), ValueError, "rank must be an int"),
    ((5, 0, 0), ValueError, "num_replicas"),
    ((5, 2, 0, True, 1.5), TypeError, "seed must be an int"),
])
def test_sampler_refuses_bad_arguments(arguments, error, match):
    with pytest.raises(error, match=match):
        DistributedSampler(*arguments)


def test_loader_shard_gives_each_rank_a_disjoint_part_of_every_epoch():
    x = np.arange(11, dtype=np.float64)[:, None]
    loaders = [nn.data.DataLoader(x, batch_size=2, shuffle=True, generator=5, shard=(r, 2))
               for r in range(2)]
    assert [len(loader) for loader in loaders] == [3, 3]  # 6 samples each, padded
    epochs = []
    for _ in range(2):
        seen = [np.concatenate([b.data[:, 0] for b in loader]) for loader in loaders]
        assert len(seen[0]) == len(seen[1]) == 6
        assert set(seen[0]) | set(seen[1]) == set(range(11))
        assert len(set(seen[0]) & set(seen[1])) == 1  # the one padded sample
        epochs.append(seen)
    assert not np.array_equal(epochs[0][0], epochs[1][0])  # the epoch advanced


def test_loader_takes_a_sampler_object_and_its_order():
    x = np.arange(6, dtype=np.float64)
    sampler = DistributedSampler(6, 3, 1, shuffle=False)
    loader = nn.data.DataLoader(x, batch_size=5, shard=sampler)
    assert [b.data.tolist() for b in loader] == [[1.0, 4.0]]
    assert len(loader) == 1


@pytest.mark.parametrize(("options", "error", "match"), [
    ({"shard": (0, 2, 1)}, ValueError, "shard must be"),
    ({"shard": 3}, TypeError, "sampler with __iter__ and __len__, got int"),
    ({"shard": DistributedSampler(4, 2, 0), "shuffle": True}, ValueError, "shuffle=True"),
    ({"shard": (0, 2), "shuffle": True, "generator": np.random.default_rng(0)}, TypeError,
     "seeded identically"),
    ({"shard": (2, 2)}, ValueError, "rank must be"),
])
def test_loader_refuses_bad_shards(options, error, match):
    with pytest.raises(error, match=match):
        nn.data.DataLoader(np.zeros((4, 1)), **options)


def test_docstring_example_runs():
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(DistributedSampler, globs={}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0
