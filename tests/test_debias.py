"""Hard debiasing, INLP, their measures and the vector writers, on vectors built here (tests/debias_vectors.py).

Hard debiasing is checked for its defining properties and against a straightforward NumPy rendering of the
paper's steps written below; INLP for removing linear gender information and for P being a projection.
"""
import gzip
import json

import numpy as np
import pytest
from conftest import shared_path
from debias_vectors import planted_vectors

from biasaudit.associations.embeddings import load_vectors
from biasaudit.associations.embeddings_writer import write_vectors
from biasaudit.errors import InputError, UsageError
from biasaudit.resources import lexicon_path
from biasaudit.transforms.debias_lists import load_debias_lists, read_pairs, read_words
from biasaudit.transforms.debias_metrics import direct_bias, neutral_words
from biasaudit.transforms.hard_debias import equalize_candidates, gender_direction, hard_debias
from biasaudit.transforms.inlp import (
    INLP,
    gender_training_words,
    inlp_debias,
    nullspace_intersection,
    rowspace_projection,
)
from biasaudit.transforms.word_matrix import WordMatrix

LISTS = load_debias_lists()


@pytest.fixture(scope="module")
def planted():
    words, vectors, g = planted_vectors()
    words.append("zerovector")
    vectors = np.vstack([vectors, np.zeros((1, vectors.shape[1]), dtype=np.float32)])
    return WordMatrix(words, vectors), g


@pytest.fixture(scope="module")
def debiased(planted):
    matrix, _ = planted
    return hard_debias(matrix, LISTS.definitional, LISTS.equalize, LISTS.gender_specific)


def _neutral_rows(matrix: WordMatrix, equalized) -> list[int]:
    in_pairs = {w for p in equalized for w in p}
    return [i for i, w in enumerate(matrix.words)
            if w not in LISTS.gender_specific and w not in in_pairs and w != "zerovector"]


# --- the shipped lists -----------------------------------------------------------------------------------------

def test_shipped_lists_are_the_authors_files():
    for name in ("definitional_pairs", "equalize_pairs", "gender_specific_full", "professions"):
        shipped = json.loads(lexicon_path("debias", f"{name}.json").read_text(encoding="utf-8"))
        assert shipped == json.loads(shared_path("data", "debiaswe", f"{name}.json").read_text(encoding="utf-8"))
    assert len(LISTS.definitional) == 10 and len(LISTS.equalize) == 52
    assert len(LISTS.gender_specific) == 1441 and len(LISTS.professions) == 320
    assert LISTS.definitional[2] == ("she", "he") and LISTS.professions[0] == "accountant"


def test_user_lists_txt_and_errors(tmp_path):
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("# mine\nqueen king\nmadam, sir\n\n", encoding="utf-8")
    assert read_pairs(pairs) == (("queen", "king"), ("madam", "sir"))
    words = tmp_path / "words.txt"
    words.write_text("nurse\nengineer\nnurse\n", encoding="utf-8")
    assert read_words(words) == ("nurse", "engineer")
    pairs.write_text("queen king\nlonely\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_pairs(pairs)
    assert err.value.line == 2 and err.value.file == str(pairs) and "pair" in err.value.reason
    bad_json = tmp_path / "pairs.json"
    bad_json.write_text('[["a", "b"], ["c"]]', encoding="utf-8")
    with pytest.raises(InputError, match="entry 2: expected a pair"):
        read_pairs(bad_json)
    custom = load_debias_lists(professions=words)
    assert custom.professions == ("nurse", "engineer") and not custom.sources["professions"]["shipped"]
    assert custom.sources["definitional"]["shipped"]


# --- hard debiasing: defining properties -----------------------------------------------------------------------

def test_direction_recovers_the_planted_one(planted, debiased):
    _, g = planted
    d = debiased.direction
    assert d.direction @ g > 0.9  # found, and oriented towards the first (female) words of the pairs
    assert len(d.pairs_used) == 10 and d.pairs_missing == ()
    assert d.explained_variance_ratio[0] > 0.5 and len(d.explained_variance_ratio) == 10


def test_neutralized_words_have_zero_projection_and_unit_length(debiased):
    out, g = debiased.matrix, debiased.direction.direction
    rows = _neutral_rows(out, debiased.equalized)
    assert len(rows) > 1500
    vecs = out.vectors[rows].astype(np.float64)
    assert np.abs(vecs @ g).max() < 1e-6
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-6)
    assert debiased.neutralized == sum(w not in LISTS.gender_specific for w in out.words)


def test_equalized_pairs_differ_only_along_direction_and_are_equidistant(debiased):
    out, g = debiased.matrix, debiased.direction.direction
    assert {("spokesman", "spokeswoman"), ("Spokesman", "Spokeswoman"), ("HE", "SHE"), ("he", "she"),
            ("KING", "QUEEN")} <= set(debiased.equalized)
    neutral = out.vectors[_neutral_rows(out, debiased.equalized)].astype(np.float64)
    for a, b in debiased.equalized:
        va, vb = out.lookup(a).astype(np.float64), out.lookup(b).astype(np.float64)
        diff = va - vb
        assert np.linalg.norm(diff - (diff @ g) * g) < 1e-6  # the difference is parallel to g
        assert abs(va @ g + vb @ g) < 1e-6 and abs(np.linalg.norm(va) - 1) < 1e-6
        assert np.abs(neutral @ va - neutral @ vb).max() < 1e-6  # same cosine with every neutral word


def test_gender_specific_words_only_normalised_and_input_untouched(planted, debiased):
    matrix, _ = planted
    in_pairs = {w for p in debiased.equalized for w in p}
    kept = [w for w in matrix.words if w in LISTS.gender_specific and w not in in_pairs]
    assert len(kept) > 50
    before = matrix.rows(kept).astype(np.float64)
    assert np.allclose(debiased.matrix.rows(kept), before / np.linalg.norm(before, axis=1, keepdims=True),
                       atol=1e-6)
    assert np.abs(matrix.lookup("nurse")).sum() > 0 and not np.allclose(
        np.linalg.norm(matrix.vectors[:50], axis=1), 1.0)  # the input matrix was not normalised in place
    assert not np.any(debiased.matrix.lookup("zerovector")) and debiased.zero_vectors == 1
    assert np.isfinite(debiased.matrix.vectors).all()


def test_equalize_candidates_follow_the_authors_cases():
    assert equalize_candidates([("Catholic_priest", "nun"), ("he", "she")]) == [
        ("catholic_priest", "nun"), ("Catholic_Priest", "Nun"), ("CATHOLIC_PRIEST", "NUN"),
        ("he", "she"), ("He", "She"), ("HE", "SHE")]


# --- hard debiasing: the whole output against a straightforward NumPy rendering of the paper ----------------------

def _reference_hard_debias(words, vectors, definitional, equalize, specific):
    """Bolukbasi et al. (2016) section 5 / debiaswe, written plainly: dict of word -> float64 vector."""
    emb = {}
    for w, v in zip(words, vectors.astype(np.float64)):
        n = np.linalg.norm(v)
        emb[w] = v / n if n > 0 else v
    rows = []
    for a, b in definitional:
        if a in emb and b in emb:
            centre = (emb[a] + emb[b]) / 2
            rows += [emb[a] - centre, emb[b] - centre]
    x = np.array(rows)
    x = x - x.mean(axis=0)  # PCA centres its input
    _, s, vt = np.linalg.svd(x, full_matrices=False)
    g = vt[0]
    for w, u in emb.items():
        if w not in specific:
            v = u - (u @ g) * g
            n = np.linalg.norm(v)
            emb[w] = v / n if n > 0 else v
    for e1, e2 in equalize:
        for a, b in ((e1.lower(), e2.lower()), (e1.title(), e2.title()), (e1.upper(), e2.upper())):
            if a in emb and b in emb:
                mu = (emb[a] + emb[b]) / 2
                nu = mu - (mu @ g) * g
                z = np.sqrt(1 - nu @ nu)
                if (emb[a] - emb[b]) @ g < 0:
                    z = -z
                emb[a], emb[b] = z * g + nu, -z * g + nu
    return emb, g, (s ** 2 / (s ** 2).sum())[:10]


def test_whole_output_equals_the_straightforward_computation(planted, debiased):
    matrix, _ = planted
    ref, g, ratio = _reference_hard_debias(matrix.words, matrix.vectors, LISTS.definitional, LISTS.equalize,
                                           LISTS.gender_specific)
    expected = np.array([ref[w] for w in matrix.words])
    assert np.abs(debiased.matrix.vectors - expected).max() < 1e-6
    assert abs(debiased.direction.direction @ g) == pytest.approx(1.0, abs=1e-9)
    assert np.allclose(debiased.direction.explained_variance_ratio, ratio, atol=1e-9)


def test_sklearn_pca_direction_equals_svd_on_unnormalised_input(planted):
    """The direction is found on unit vectors: scaling a word's raw vector must not move it."""
    matrix, _ = planted
    scaled = matrix.vectors.copy()
    scaled[matrix.index["she"]] *= 7
    a = gender_direction(matrix, LISTS.definitional).direction
    b = gender_direction(matrix.with_vectors(scaled), LISTS.definitional).direction
    assert np.allclose(a, b, atol=1e-9)


def test_too_few_definitional_pairs_is_an_input_error(planted):
    matrix, _ = planted
    with pytest.raises(InputError, match="only 1 of the 2 definitional pairs"):
        gender_direction(matrix, [("she", "he"), ("absentword", "man")])


# --- measures --------------------------------------------------------------------------------------------------

def test_direct_bias_before_and_after(planted, debiased):
    matrix, _ = planted
    g = debiased.direction.direction
    neutral = neutral_words(LISTS.professions, matrix, LISTS.gender_specific)
    assert "actress" in neutral["gender_specific"] and "accountant" in neutral["words"]
    rows = matrix.rows(neutral["words"]).astype(np.float64)
    expected = np.mean(np.abs(rows @ g) / np.linalg.norm(rows, axis=1))
    assert direct_bias(matrix, neutral["words"], g) == pytest.approx(expected, rel=1e-9)
    assert direct_bias(matrix, neutral["words"], g, c=2) == pytest.approx(
        np.mean((np.abs(rows @ g) / np.linalg.norm(rows, axis=1)) ** 2), rel=1e-9)
    assert expected > 0.1
    assert direct_bias(debiased.matrix, neutral["words"], g) < 1e-6


# --- INLP ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def inlp_result(planted):
    matrix, _ = planted
    # 40 dimensions: |cos| of random words with he - she is wide, so the neutral band is widened to 0.1
    return inlp_debias(matrix, n_per_class=300, n_iterations=10, neutral_threshold=0.1, seed=0)


def test_training_words_are_the_extremes_of_he_minus_she(planted):
    matrix, _ = planted
    tw = gender_training_words(matrix, n_per_class=100, seed=3)
    plain = [w for w in matrix.words if w.replace("_", "").isalpha() and len(w) < 20]
    rows = matrix.rows(plain).astype(np.float64)
    d = matrix.lookup("he").astype(np.float64) - matrix.lookup("she")
    norms = np.linalg.norm(rows, axis=1) * np.linalg.norm(d)
    cos = np.divide(rows @ d, norms, out=np.zeros(len(plain)), where=norms > 0)  # a zero vector: cos 0
    order = np.argsort(-cos, kind="stable")
    words = np.array(plain)
    assert list(tw.words[:100]) == list(words[order[:100]])
    assert list(tw.words[100:200]) == list(words[order[::-1][:100]])
    neutral = tw.words[200:]
    assert len(neutral) == tw.info["per_class"]["neutral"] > 0
    assert all(abs(cos[plain.index(w)]) < 0.03 for w in neutral)
    assert gender_training_words(matrix, n_per_class=100, seed=3).words == tw.words  # seeded
    assert gender_training_words(matrix, n_per_class=100, seed=4).words[200:] != neutral


def test_inlp_removes_linear_gender_information(planted, inlp_result):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    acc = inlp_result.test_accuracy
    assert acc["before"] > 0.7 and acc["after"] < acc["majority_class"] + 0.1  # 3 classes: chance is 1/3
    dev = [it["dev_accuracy"] for it in inlp_result.model.iterations_]
    assert dev[0] > 0.7 and dev[-1] < 0.45
    # A different classifier (logistic regression, with intercept) on the he-like vs she-like words only.
    tw = inlp_result.training
    gendered = tw.labels < 2
    x_before = planted[0].rows(np.array(tw.words)[gendered]).astype(np.float64)
    x_after = inlp_result.matrix.rows(np.array(tw.words)[gendered]).astype(np.float64)
    y = tw.labels[gendered]
    assert cross_val_score(LogisticRegression(max_iter=2000), x_before, y, cv=5).mean() > 0.9
    assert cross_val_score(LogisticRegression(max_iter=2000), x_after, y, cv=5).mean() < 0.6


def test_inlp_projection_is_an_orthogonal_projection(inlp_result):
    p = inlp_result.model.projection_
    assert np.allclose(p @ p, p, atol=1e-10) and np.allclose(p, p.T, atol=1e-10)
    for w in inlp_result.model.weights_:
        assert np.abs(w @ p).max() < 1e-8  # every classifier's row space is removed
    rank_removed = inlp_result.model.iterations_[-1]["rank_removed"]
    assert rank_removed == 30 and np.linalg.matrix_rank(p) == p.shape[0] - rank_removed  # 10 iterations x 3 classes
    # autoregressive training makes the classifiers orthogonal, so P = prod(I - P_Ri) = I - sum(P_Ri)
    eye = np.eye(p.shape[0])
    rowspaces = [rowspace_projection(w) for w in inlp_result.model.weights_]
    product = eye.copy()
    for r in rowspaces:
        product = (eye - r) @ product
    assert np.allclose(product, p, atol=1e-6) and np.allclose(eye - sum(rowspaces), p, atol=1e-6)
    x = inlp_result.matrix.vectors.astype(np.float64)
    assert np.allclose(x @ p, x, atol=1e-5)  # the output already lies in the nullspace


def test_rowspace_projection_formula():
    w = np.random.default_rng(1).normal(size=(3, 7))
    assert np.allclose(rowspace_projection(w), w.T @ np.linalg.inv(w @ w.T) @ w, atol=1e-12)
    assert np.allclose(rowspace_projection(np.zeros((2, 4))), 0)
    assert np.allclose(nullspace_intersection([], 4), np.eye(4))


def test_inlp_is_deterministic_and_validates(planted):
    matrix, _ = planted
    a = inlp_debias(matrix, n_per_class=80, n_iterations=2, seed=5, classifier="logistic")
    b = inlp_debias(matrix, n_per_class=80, n_iterations=2, seed=5, classifier="logistic")
    assert np.array_equal(a.matrix.vectors, b.matrix.vectors) and a.split == b.split
    assert a.matrix.vectors.dtype == np.float32 and a.matrix.words == matrix.words
    with pytest.raises(UsageError, match="unknown classifier"):
        INLP(3, classifier="tree")
    with pytest.raises(InputError, match="not in the vectors"):
        gender_training_words(matrix, pair=("he", "absentword"))


# --- writers ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "name", "binary", "header"), [
    ("word2vec-bin", "v.bin", True, True), ("word2vec-text", "v.txt", False, True),
    ("fasttext", "v.vec", False, True), ("glove", "v.txt", False, False), ("word2vec-bin", "v.bin.gz", True, True),
])
def test_writer_round_trip_through_gensim(tmp_path, fmt, name, binary, header):
    from gensim.models import KeyedVectors

    rng = np.random.default_rng(2)
    words = ["the", "Über", "new_york", "naïve", "x"] + [f"w{i}" for i in range(20)]
    vectors = (rng.normal(size=(len(words), 7)) * 10 ** rng.uniform(-8, 3, size=(len(words), 1))).astype(np.float32)
    path = tmp_path / name
    write_vectors(path, words, vectors, format=fmt)
    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary, no_header=not header)
    assert kv.index_to_key == words
    assert np.array_equal(kv.vectors, vectors)  # bit for bit: float32 survives the text form too
    ours = load_vectors(path)
    assert ours.format == ("word2vec-bin" if binary else fmt) and list(ours) == words
    assert all(np.array_equal(ours[w], v) for w, v in zip(words, vectors))
    first = path.read_bytes()
    write_vectors(path, words, vectors, format=fmt)
    assert path.read_bytes() == first  # no timestamp, even gzipped
    if name.endswith(".gz"):
        assert gzip.decompress(first).startswith(b"25 7\n")


def test_writer_refuses_what_it_cannot_write(tmp_path):
    vec = np.zeros((1, 3), dtype=np.float32)
    with pytest.raises(UsageError, match="cannot be written in word2vec-bin"):
        write_vectors(tmp_path / "v.bin", ["two words"], vec, format="word2vec-bin")
    with pytest.raises(UsageError, match="cannot write 'spacy'"):
        write_vectors(tmp_path / "v", ["a"], vec, format="spacy")
    with pytest.raises(UsageError, match="one vector row per word"):
        write_vectors(tmp_path / "v.bin", ["a", "b"], vec, format="word2vec-bin")
    assert list(tmp_path.iterdir()) == []  # nothing half-written
