"""WEAT tests as shipped and as users write them; run_test's OOV handling; effect sizes against wefe 1.0.1."""
import json
import math
import os

import numpy as np
import pytest

from biasaudit.associations.weat import WeatTest, effect_size, load_tests, p_value, run_test
from biasaudit.errors import InputError, UsageError

PAPER_SIZES = {  # |X|, |Y|, |A|, |B| after the paper's removals (Caliskan et al. 2017, supplement)
    "weat1": (25, 25, 25, 25), "weat2": (25, 25, 25, 25), "weat3": (32, 32, 25, 25), "weat4": (16, 16, 25, 25),
    "weat5": (16, 16, 8, 8), "weat6": (8, 8, 8, 8), "weat7": (8, 8, 8, 8), "weat8": (8, 8, 8, 8),
    "weat9": (6, 6, 7, 7), "weat10": (8, 8, 8, 8)}


def _sizes(t):
    return tuple(len(words) for _, words in t.word_sets().values())


def test_shipped_tests_are_the_papers():
    tests = load_tests()
    assert [t.name for t in tests] == list(PAPER_SIZES)
    assert {t.name: _sizes(t) for t in tests} == PAPER_SIZES
    by = {t.name: t for t in tests}
    assert "short-term" in by["weat9"].attribute1_words
    assert "Billy" in by["weat10"].target1_words and "Bill" not in by["weat10"].target1_words
    assert "failure" in by["weat10"].attribute2_words and "failur" not in by["weat10"].attribute2_words
    assert not {"Jay", "Kristen"} & set(by["weat4"].target1_words)
    assert not {"Chip", "Lerone"} & (set(by["weat3"].target1_words) | set(by["weat3"].target2_words))
    assert load_tests(["WEAT6", "weat1"])[0].name == "weat6"
    assert len(load_tests(["all"])) == 10
    with pytest.raises(UsageError, match="unknown WEAT test"):
        load_tests(["weat11"])


def _lookup_from(vectors):
    return vectors.get


def _random_vectors(words, dim=16, seed=0):
    rng = np.random.default_rng(seed)
    return {w: rng.normal(size=dim) for w in sorted(words)}


def test_run_test_matches_the_array_core_and_reports_coverage():
    test = load_tests(["weat6"])[0]
    vecs = _random_vectors(test.all_words())
    result = run_test(test, vecs.get)
    X, Y, A, B = (np.array([vecs[w] for w in words]) for _, words in test.word_sets().values())
    assert result["effect_size"] == pytest.approx(effect_size(X, Y, A, B), abs=1e-12)
    assert (result["p_value"], result["n_permutations"]) == p_value(X, Y, A, B)
    assert result["n_permutations"] == "exact"  # C(16, 8) = 12,870 re-partitions
    assert result["target1"] == "Male names" and result["attribute2"] == "Family"
    assert all(c["coverage"] == 1.0 for c in result["coverage"].values())
    assert result["missing"] == {"target1": [], "target2": [], "attribute1": [], "attribute2": []}
    json.dumps(result)  # JSON-ready as is


def test_oov_words_are_dropped_reported_and_refused_below_min_coverage():
    test = load_tests(["weat6"])[0]
    vecs = _random_vectors(test.all_words())
    for word in ("Bill", "Jeff", "wedding"):
        del vecs[word]
    result = run_test(test, vecs.get, min_coverage=0.75)  # 6/8 = 0.75 in target1 passes
    assert result["missing"]["target1"] == ["Jeff", "Bill"] and result["missing"]["attribute2"] == ["wedding"]
    assert result["coverage"]["target1"] == {"name": "Male names", "found": 6, "total": 8, "coverage": 0.75}
    X = np.array([vecs[w] for w in test.target1_words if w in vecs])
    Y, A = (np.array([vecs[w] for w in ws]) for ws in (test.target2_words, test.attribute1_words))
    B = np.array([vecs[w] for w in test.attribute2_words if w in vecs])
    assert result["effect_size"] == pytest.approx(effect_size(X, Y, A, B), abs=1e-12)
    with pytest.raises(InputError, match=r"coverage below 80% in target1 'Male names' 6/8 \(missing: Jeff, Bill\)"):
        run_test(test, vecs.get)
    with pytest.raises(InputError, match="attribute2"):
        run_test(test, {k: v for k, v in vecs.items() if k not in test.attribute2_words}.get, min_coverage=0)


def test_lowercase_looks_up_lowered_words():
    test = load_tests(["weat8"])[0]  # Einstein, NASA, Shakespeare
    vecs = _random_vectors({w.lower() for w in test.all_words()})
    with pytest.raises(InputError, match="Einstein"):
        run_test(test, vecs.get)
    result = run_test(test, vecs.get, lowercase=True)
    assert result["coverage"]["target1"]["found"] == 8


def test_user_tests_from_yaml_and_json(tmp_path):
    yaml_file = tmp_path / "mine.yaml"
    yaml_file.write_text(
        "tests:\n"
        "  - name: fruit_tools\n"
        "    target1: {name: Fruit, words: [apple, pear]}\n"
        "    target2: {name: Tools, words: [hammer, saw]}\n"
        "    attribute1: {name: Sweet, words: [sweet]}\n"
        "    attribute2: {name: Hard, words: [hard]}\n", encoding="utf-8")
    (test,) = load_tests(None, path=yaml_file)
    assert test == WeatTest("fruit_tools", "Fruit", ("apple", "pear"), "Tools", ("hammer", "saw"),
                            "Sweet", ("sweet",), "Hard", ("hard",))
    json_file = tmp_path / "mine.json"
    json_file.write_text(json.dumps([{"name": "t", "target1": {"words": ["a"]}, "target2": {"words": ["b"]},
                                      "attribute1": {"words": []}, "attribute2": {"words": ["d"]}}]))
    with pytest.raises(InputError, match="mine.json field 't.attribute1'"):
        load_tests(path=json_file)
    broken = tmp_path / "broken.yaml"
    broken.write_text("tests: [\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        load_tests(path=broken)


def _wefe():
    try:
        from gensim.models import KeyedVectors
        from wefe.metrics import WEAT
        from wefe.query import Query
        from wefe.word_embedding_model import WordEmbeddingModel
    except ImportError as err:  # installed by the README test command (pip install --no-deps wefe==1.0.1)
        if os.environ.get("CI"):
            pytest.fail(f"wefe/gensim missing under CI: {err}")
        pytest.skip(f"wefe not installed: {err}")
    return KeyedVectors, WEAT, Query, WordEmbeddingModel


@pytest.mark.parametrize("name,seed,drop", [("weat1", 0, ()), ("weat6", 1, ()), ("weat9", 2, ()),
                                            ("weat3", 3, ("Adam", "Tia", "vomit"))])
def test_effect_size_equals_wefe_with_population_std(name, seed, drop):
    KeyedVectors, WEAT, Query, WordEmbeddingModel = _wefe()
    test = load_tests([name])[0]
    vecs = {w: v for w, v in _random_vectors(test.all_words(), dim=50, seed=seed).items() if w not in drop}
    # a planted association so the effect size is not near 0: targets1 drift towards attribute1
    shift = np.mean([vecs[w] for w in test.attribute1_words if w in vecs], axis=0)
    for w in test.target1_words:
        if w in vecs:
            vecs[w] = vecs[w] + 2.0 * shift
    kv = KeyedVectors(50)
    kv.add_vectors(list(vecs), np.array(list(vecs.values()), dtype=np.float32))
    sets = [list(words) for _, words in test.word_sets().values()]
    query = Query(sets[:2], sets[2:], [test.target1_name, test.target2_name],
                  [test.attribute1_name, test.attribute2_name])
    theirs = WEAT().run_query(query, WordEmbeddingModel(kv, "random"), return_effect_size=True,
                              calculate_p_value=False, lost_vocabulary_threshold=0.5)["effect_size"]
    as_float32 = {w: np.asarray(v, dtype=np.float32) for w, v in vecs.items()}  # what wefe sees
    ours = run_test(test, as_float32.get, ddof=0, permutations=10, min_coverage=0.9)
    assert abs(theirs) > 0.3
    assert ours["effect_size"] == pytest.approx(float(theirs), abs=1e-6)
    n = sum(c["found"] for role, c in ours["coverage"].items() if role.startswith("target"))
    sample = run_test(test, as_float32.get, ddof=1, permutations=10, min_coverage=0.9)["effect_size"]
    assert sample == pytest.approx(float(theirs) / math.sqrt(n / (n - 1)), abs=1e-6)


def test_readme_python_example_runs(capsys):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Embedding associations (WEAT)", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(code, "README", "exec"), {})  # noqa: S102 - our own README, to keep its example working
    printed = capsys.readouterr().out.split()
    assert printed[2] == "exact" and -2 <= float(printed[0]) <= 2 and 0 < float(printed[1]) <= 1


def test_shipped_lists_equal_wefes_except_the_documented_corrections():
    from conftest import shared_path

    wefe = json.loads(shared_path("data", "wefe", "WEAT.json").read_text(encoding="utf-8"))
    keys = {"weat1": ("flowers", "insects", "pleasant_5", "unpleasant_5a"),
            "weat2": ("instruments", "weapons", "pleasant_5", "unpleasant_5a"),
            "weat3": ("european_american_names_5", "african_american_names_5", "pleasant_5", "unpleasant_5b"),
            "weat4": ("european_american_names_7", "african_american_names_7", "pleasant_5", "unpleasant_5b"),
            "weat5": ("european_american_names_7", "african_american_names_7", "pleasant_9", "unpleasant_9"),
            "weat6": ("male_names", "female_names", "career", "family"),
            "weat7": ("math", "arts", "male_terms", "female_terms"),
            "weat8": ("science", "arts_2", "male_terms_2", "female_terms_2"),
            "weat9": ("mental_disease", "physical_disease", "temporary", "permanent"),
            "weat10": ("young_people_names", "old_people_names", "pleasant_9", "unpleasant_9")}
    corrections = {("weat4", "target1"): {"Jay", "Kristen"}, ("weat4", "target2"): {"Tremayne", "Latonya"},
                   ("weat5", "target1"): {"Jay", "Kristen"}, ("weat5", "target2"): {"Tremayne", "Latonya"}}
    renamed = {("weat9", "attribute1"): ("short", "short-term"), ("weat10", "target1"): ("Bill", "Billy")}
    for test in load_tests():
        for (role, (_, words)), key in zip(test.word_sets().items(), keys[test.name]):
            theirs = [w for w in wefe[key] if w not in corrections.get((test.name, role), set())]
            old, new = renamed.get((test.name, role), (None, None))
            assert list(words) == [new if w == old else w for w in theirs], (test.name, role)
