"""``biasaudit weat``: table, JSON results, refusals and options, on vector files written here."""
import json
import math
import struct

import numpy as np
import pytest

from biasaudit.associations.weat import load_tests
from biasaudit.cli import main


def _vectors(words, seed=0, dim=12):
    rng = np.random.default_rng(seed)
    return {w: rng.normal(size=dim).astype(np.float32) for w in sorted(words)}


@pytest.fixture
def vec_file(tmp_path):
    words = {w for t in load_tests(["weat6", "weat9"]) for w in t.all_words()} - {"wedding"}
    vecs = _vectors(words | {"unrelated"})
    path = tmp_path / "vectors.bin"
    with open(path, "wb") as fh:
        fh.write(f"{len(vecs)} 12\n".encode())
        fh.writelines(w.encode() + b" " + struct.pack("<12f", *v) + b"\n" for w, v in vecs.items())
    return path


def test_table_and_json(vec_file, tmp_path, capsys):
    out = tmp_path / "weat.json"
    code = main(["weat", "--embeddings", str(vec_file), "--test", "weat6", "weat9", "--json", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "word2vec-bin" in printed and "Male names vs Female names" in printed and "exact" in printed
    data = json.loads(out.read_text())
    assert data["embeddings"]["loaded"] == 8 * 4 - 1 + 6 * 2 + 7 * 2  # only the tests' words were kept
    r6, r9 = data["results"]
    assert (r6["test"], r6["target1"], r6["attribute2"]) == ("weat6", "Male names", "Family")
    assert r6["missing"]["attribute2"] == ["wedding"] and r6["coverage"]["attribute2"]["coverage"] == 0.875
    assert r6["n_permutations"] == "exact" and 0 < r6["p_value"] <= 1
    assert r9["n_permutations"] == "exact"  # C(12, 6) = 924
    # --population-std: every d grows by sqrt(n / (n - 1)), n = 16 target words for weat6
    main(["weat", "--embeddings", str(vec_file), "--test", "weat6", "--population-std", "--json", str(out)])
    pop = json.loads(out.read_text())["results"][0]
    assert pop["effect_size"] == pytest.approx(r6["effect_size"] * math.sqrt(16 / 15), rel=1e-12)


def test_low_coverage_refuses_with_exit_2(vec_file, tmp_path, capsys):
    out = tmp_path / "weat.json"
    code = main(["weat", "--embeddings", str(vec_file), "--test", "weat1", "weat6", "--json", str(out)])
    assert code == 2
    captured = capsys.readouterr()
    assert "weat1    refused: coverage below 80% in target1 'Flowers' 0/25" in captured.out
    assert "1 test(s) refused" in captured.err
    results = json.loads(out.read_text())["results"]
    assert results[0]["test"] == "weat6" and "effect_size" in results[0]
    assert results[1]["test"] == "weat1" and "coverage below" in results[1]["refused"]


def test_sampled_p_value_states_its_count_and_seed(vec_file, tmp_path):
    tests = tmp_path / "big.json"  # 12 + 12 targets: C(24, 12) = 2,704,156 > 1,000,000 -> sampled
    words = sorted(w for w in _vectors({w for t in load_tests(["weat6", "weat9"]) for w in t.all_words()}))
    words = [w for w in words if w != "wedding"]
    tests.write_text(json.dumps([{"name": "big", "target1": {"name": "first", "words": words[:12]},
                                  "target2": {"name": "second", "words": words[12:24]},
                                  "attribute1": {"name": "a", "words": words[24:30]},
                                  "attribute2": {"name": "b", "words": words[30:36]}}]))
    out = tmp_path / "r.json"
    args = ["weat", "--embeddings", str(vec_file), "--tests-file", str(tests), "--permutations", "2000",
            "--seed", "5", "--json", str(out)]
    assert main(args) == 0
    first = json.loads(out.read_text())["results"][0]
    assert first["n_permutations"] == 2000 and first["seed"] == 5
    assert main(args) == 0
    assert json.loads(out.read_text())["results"][0]["p_value"] == first["p_value"]


def test_usage_errors_exit_2(vec_file, tmp_path, capsys):
    assert main(["weat", "--embeddings", str(vec_file), "--test", "weat99"]) == 2
    assert "unknown WEAT test(s) weat99" in capsys.readouterr().err
    kv = tmp_path / "m.kv"
    kv.write_bytes(b"x")
    assert main(["weat", "--embeddings", str(kv)]) == 2
    assert "pickles" in capsys.readouterr().err
    assert main(["weat", "--embeddings", str(tmp_path / "none.vec")]) == 2
