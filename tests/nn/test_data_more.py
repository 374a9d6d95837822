"""nn.data's torch.utils.data names: datasets, random_split, samplers, DataLoader options.

Deterministic parts are checked against torch.utils.data; random parts by their properties
(partitions, permutations, zero-weight items never drawn, frequencies) with fixed seeds.
"""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn
from graphgrad.nn import data

torch = pytest.importorskip("torch")
tdata = torch.utils.data

FRACTIONS = [[0.5, 0.5], [0.3, 0.7], [0.1, 0.2, 0.7], [1 / 3] * 3, [0.25] * 4,
             [0.05, 0.15, 0.8], [0.9, 0.1], [1.0], [0.2] * 5, [0.6, 0.2, 0.2], [0.0, 1.0]]


class Items(data.Dataset):
    def __init__(self, n, offset=0):
        self.n, self.offset = n, offset

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.offset + i


def test_subset_and_concat_index_like_torch():
    base = list(range(100, 110))
    for indices in ([3, 0, 9], [5], [], [2, 2, 7]):
        ours, theirs = data.Subset(base, indices), tdata.Subset(base, indices)
        assert len(ours) == len(theirs)
        assert [ours[i] for i in range(len(ours))] == [theirs[i] for i in range(len(theirs))]
    parts = [list(range(3)), [], list(range(10, 15)), [99]]
    ours, theirs = data.ConcatDataset(parts), tdata.ConcatDataset(parts)
    assert len(ours) == len(theirs) == 9 and ours.cumulative_sizes == theirs.cumulative_sizes
    for i in range(-9, 9):
        assert ours[i] == theirs[i], i
    with pytest.raises(IndexError, match="ConcatDataset"):
        ours[9]
    with pytest.raises(IndexError, match="ConcatDataset"):
        ours[-10]


def test_dataset_add_concatenates_and_base_getitem_is_abstract():
    both = Items(3) + Items(2, offset=10)
    assert isinstance(both, data.ConcatDataset)
    assert [both[i] for i in range(len(both))] == [0, 1, 2, 10, 11]
    with pytest.raises(NotImplementedError, match="Dataset"):
        data.Dataset()[0]
    with pytest.raises(ValueError, match="ConcatDataset: datasets is empty"):
        data.ConcatDataset([])


@pytest.mark.parametrize("fractions", FRACTIONS)
@pytest.mark.filterwarnings("ignore:Length of split")  # torch warns on an empty part
def test_random_split_fraction_lengths_match_torch(fractions):
    for n in range(0, 41):
        theirs = [len(s) for s in tdata.random_split(range(n), fractions)] if n else None
        ours = [len(s) for s in data.random_split(range(n), fractions, generator=0)]
        if theirs is not None:
            assert ours == theirs, (n, fractions)
        assert sum(ours) == n


def test_random_split_is_a_seeded_partition():
    for lengths in ([3, 7], [0, 10], [0.5, 0.3, 0.2], [1, 1, 8]):
        parts = data.random_split(range(10), lengths, generator=gg.Generator().manual_seed(5))
        again = data.random_split(range(10), lengths, generator=gg.Generator().manual_seed(5))
        items = [x for p in parts for x in p]
        assert sorted(items) == list(range(10))
        assert [list(p) for p in parts] == [list(p) for p in again]
    gg.manual_seed(3)
    first = [list(p) for p in data.random_split(range(20), [10, 10])]
    gg.manual_seed(3)
    assert [list(p) for p in data.random_split(range(20), [10, 10])] == first
    assert sorted(first[0] + first[1]) == list(range(20)) and first[0] != list(range(10))


@pytest.mark.parametrize("lengths, match", [
    ([3, 3], "sum to 6, not to the dataset's length 10"),
    ([12, -2], "lengths must be >= 0"),
    ([0.5, 0.4], "sum to 0.9, not 1"),
    ([1.5, -0.5], r"fractions must be in \[0, 1\]"),
    ([], "non-empty sequence"),
    (["a", 10], "non-empty sequence"),
])
def test_random_split_rejects_bad_lengths(lengths, match):
    with pytest.raises((ValueError, TypeError), match="random_split: .*" + match):
        data.random_split(range(10), lengths)


def test_batch_sampler_matches_torch():
    for n in range(0, 12):
        for size in (1, 2, 3, 5, 13):
            for drop_last in (False, True):
                ours = data.BatchSampler(data.SequentialSampler(range(n)), size, drop_last)
                theirs = tdata.BatchSampler(tdata.SequentialSampler(range(n)), size, drop_last)
                assert list(ours) == list(theirs) and len(ours) == len(theirs), (n, size)
    with pytest.raises(ValueError, match="BatchSampler: batch_size must be an int >= 1"):
        data.BatchSampler(range(3), 0, False)
    with pytest.raises(TypeError, match="BatchSampler: drop_last must be a bool"):
        data.BatchSampler(range(3), 2, None)


def test_random_sampler_is_a_permutation_and_seeded():
    for n in (1, 2, 7, 30):
        sampler = data.RandomSampler(range(n), generator=4)
        first, second = list(sampler), list(sampler)
        assert sorted(first) == sorted(second) == list(range(n)) and len(sampler) == n
        again = list(data.RandomSampler(range(n), generator=4))
        assert again == first
    chained = list(data.RandomSampler(range(4), num_samples=10, generator=0))
    assert len(chained) == 10 and sorted(chained[:4]) == sorted(chained[4:8]) == [0, 1, 2, 3]
    assert len(set(chained[8:])) == 2
    drawn = list(data.RandomSampler(range(3), replacement=True, num_samples=50, generator=0))
    assert len(drawn) == 50 and set(drawn) == {0, 1, 2}
    gg.manual_seed(9)
    a = list(data.RandomSampler(range(20)))
    gg.manual_seed(9)
    assert list(data.RandomSampler(range(20))) == a
    with pytest.raises(ValueError, match="RandomSampler: num_samples must be an int >= 1"):
        data.RandomSampler(range(3), num_samples=0)
    with pytest.raises(TypeError, match="RandomSampler: replacement must be a bool"):
        data.RandomSampler(range(3), replacement=1)
    with pytest.raises(TypeError, match="RandomSampler: generator must be"):
        data.RandomSampler(range(3), generator="seed")


def test_sequential_and_subset_random_sampler():
    assert list(data.SequentialSampler(range(4))) == list(tdata.SequentialSampler(range(4)))
    sampler = data.SubsetRandomSampler([10, 4, 7, 1], generator=2)
    drawn = list(sampler)
    assert sorted(drawn) == [1, 4, 7, 10] and len(sampler) == 4
    assert list(data.SubsetRandomSampler([10, 4, 7, 1], generator=2)) == drawn


def test_weighted_sampler_skips_zero_weights_and_follows_weights():
    weights = np.array([0.0, 1.0, 2.0, 0.0, 5.0])
    draws = np.array(list(data.WeightedRandomSampler(weights, 40000, generator=0)))
    assert draws.shape == (40000,) and not np.isin(draws, [0, 3]).any()
    freq = np.bincount(draws, minlength=5) / len(draws)
    np.testing.assert_allclose(freq, weights / weights.sum(), atol=0.01)
    unique = list(data.WeightedRandomSampler(weights, 3, replacement=False, generator=1))
    assert sorted(unique) == [1, 2, 4]
    tensor_weights = list(data.WeightedRandomSampler(gg.tensor([0.0, 1.0]), 5, generator=0))
    assert tensor_weights == [1] * 5


@pytest.mark.parametrize("weights, kwargs, match", [
    ([[1.0, 2.0]], {}, r"weights must be 1-D, got shape \(1, 2\)"),
    ([1.0, -1.0], {}, "weights must be finite and >= 0"),
    ([0.0, 0.0], {}, r"weights must be .* positive sum, got \[0.0, 0.0\]"),
    ([1.0, np.nan], {}, "weights must be finite"),
    ([1.0, 0.0], {"replacement": False}, "num_samples=2 exceeds the 1 non-zero weights"),
])
def test_weighted_sampler_rejects_bad_weights(weights, kwargs, match):
    with pytest.raises(ValueError, match="WeightedRandomSampler: " + match):
        data.WeightedRandomSampler(weights, 2, **kwargs)


def test_dataloader_batch_sampler_and_collate_fn_match_torch():
    X = np.arange(14.0).reshape(7, 2)
    y = np.arange(7) % 3
    batches = [[0, 4], [6, 1, 2], [5], [3]]
    ours = [tuple(t.numpy() for t in b) for b in
            nn.data.DataLoader(data.TensorDataset(X, y), batch_sampler=batches)]
    theirs = [tuple(t.numpy() for t in b) for b in tdata.DataLoader(
        tdata.TensorDataset(torch.tensor(X), torch.tensor(y)), batch_sampler=batches)]
    assert len(ours) == len(theirs) == 4
    for a, b in zip(ours, theirs):
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)

    def collate(items):
        return [(float(x[0]), int(t)) for x, t in items]
    sampler = data.BatchSampler(data.SequentialSampler(range(7)), 3, drop_last=True)
    ours = list(nn.data.DataLoader((X, y), batch_sampler=sampler, collate_fn=collate))
    theirs = list(tdata.DataLoader(
        tdata.TensorDataset(torch.tensor(X), torch.tensor(y)), collate_fn=collate,
        batch_sampler=tdata.BatchSampler(tdata.SequentialSampler(range(7)), 3, True)))
    assert ours == theirs and len(ours) == 2
    loader = nn.data.DataLoader((X, y), batch_size=3, collate_fn=collate)
    assert list(loader) == list(tdata.DataLoader(
        tdata.TensorDataset(torch.tensor(X), torch.tensor(y)), batch_size=3, collate_fn=collate))


def test_dataloader_sampler_gives_its_order():
    X = np.arange(6.0)
    loader = nn.data.DataLoader(X, batch_size=4, sampler=[5, 0, 3, 1, 2])
    assert [b.numpy().tolist() for b in loader] == [[5.0, 0.0, 3.0, 1.0], [2.0]]
    assert len(loader) == 2
    sub = nn.data.DataLoader(data.Subset(list(range(10, 20)), [9, 2]), batch_size=2)
    assert [b.numpy().tolist() for b in sub] == [[19, 12]]


@pytest.mark.parametrize("kwargs, match", [
    ({"sampler": [0, 1], "shuffle": True}, "sampler= is mutually exclusive with shuffle"),
    ({"sampler": [0, 1], "shard": (0, 2)}, "pass either sampler= or shard="),
    ({"batch_sampler": [[0]], "batch_size": 2}, "batch_sampler= is mutually exclusive"),
    ({"batch_sampler": [[0]], "shuffle": True}, "batch_sampler= is mutually exclusive"),
    ({"batch_sampler": [[0]], "drop_last": True}, "batch_sampler= is mutually exclusive"),
    ({"batch_sampler": [[0]], "sampler": [0]}, "batch_sampler= is mutually exclusive"),
    ({"collate_fn": 3}, "collate_fn must be callable"),
    ({"sampler": 3}, "sampler must be an iterable"),
])
def test_dataloader_rejects_exclusive_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match="DataLoader: " + match):
        nn.data.DataLoader(np.zeros(4), **kwargs)
