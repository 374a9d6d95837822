"""examples/gpt_chars.py and examples/bigru_tagger.py run end to end in a tiny mode and
learn: the transformer's held-out loss falls, the bidirectional GRU beats both baselines."""
import importlib.util
import pathlib

import numpy as np

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"{name}_example", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gpt_chars_tiny_learns_and_samples(capsys):
    gpt = _load("gpt_chars")
    result = gpt.main(["--tiny", "--steps", "40"])
    assert result["after"] < result["before"] - 0.3
    assert 0 < result["unigram"] < result["chance"]
    assert result["sample"].startswith("The ") and len(result["sample"]) == 44
    assert "unigram entropy" in capsys.readouterr().out


def test_gpt_chars_text_statistics():
    gpt = _load("gpt_chars")
    text = gpt.load_text()
    vocab = gpt.Vocabulary(text)
    assert vocab.decode(vocab.encode(text[:500])) == text[:500]
    ids = vocab.encode("aab")
    expected = -(2 / 3 * np.log(2 / 3) + 1 / 3 * np.log(1 / 3))
    assert np.isclose(gpt.unigram_entropy(ids, len(vocab.chars)), expected)
    x, y = gpt.windows(np.random.default_rng(0), ids=np.arange(100), batch=3, context=5)
    np.testing.assert_array_equal(y, x + 1)  # targets are the next characters


def test_bigru_tagger_beats_one_way_and_no_memory():
    tagger = _load("bigru_tagger")
    results = tagger.main(["--steps", "120"])
    bi, one_way, none = (results[k][1] for k in ("bidirectional GRU", "one-way GRU",
                                                  "no-memory baseline"))
    assert bi > 0.95 and bi > one_way + 0.2 and one_way > none
