"""Security: no user-supplied pickle is ever loaded, transformers never run remote code, every corpus string is
escaped in the HTML/Markdown views, record and line sizes are limited with a clear message.

Pickles here are real: unpickling one would create a canary file, so a test fails if anything loads it.
"""
from __future__ import annotations

import html
import json
import pickle
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from biasaudit.cli import main

ROOT = Path(__file__).resolve().parents[1]


class Canary:
    """Unpickling this creates ``path``: proof that something deserialised a pickle."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def canary_pickle(target: Path, canary: Path) -> Path:
    target.write_bytes(pickle.dumps(Canary(canary)))
    return target


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "What a lovely day."}\n{"text": "This is awful."}\n', encoding="utf-8")
    return path


def scan_exit(corpus, capsys, *args) -> tuple[int, str]:
    code = main(["scan", str(corpus), "--quiet", *args])
    return code, capsys.readouterr().err


# ----------------------------------------------------------------------------------------------- pickles
@pytest.mark.parametrize("name", ["model.pkl", "model.joblib", "model.pickle", "model.pt"])
def test_hate_model_path_to_a_pickle_is_refused(name, corpus, tmp_path, capsys):
    canary = tmp_path / "PWNED"
    model = canary_pickle(tmp_path / name, canary)
    code, err = scan_exit(corpus, capsys, "--analyzers", "hate", "--option", f"hate.model_path={model}")
    assert code == 2 and "refusing to load" in err and err.count("\n") == 1
    assert not canary.exists()


def test_hate_model_folder_with_pickled_arrays_is_refused(corpus, tmp_path, capsys):
    """A model folder whose weights.npz holds an object array (stored as a pickle inside the archive)."""
    from biasaudit.analyzers.hate import shipped_model_dir

    canary = tmp_path / "PWNED"
    folder = tmp_path / "model"
    folder.mkdir()
    shutil.copy(shipped_model_dir("default") / "model.json", folder / "model.json")
    np.savez(folder / "weights.npz", coef=np.array([Canary(canary)], dtype=object))
    code, err = scan_exit(corpus, capsys, "--analyzers", "hate", "--option", f"hate.model_path={folder}")
    assert code == 2 and "without pickle" in err and "Traceback" not in err
    assert not canary.exists()


def test_transformers_folder_with_only_pickled_weights_is_refused_through_scan(corpus, tmp_path, capsys):
    pytest.importorskip("transformers")
    canary = tmp_path / "PWNED"
    folder = tmp_path / "bert"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "bert", "id2label": {
        "0": "hate", "1": "offensive", "2": "neither"}}), encoding="utf-8")
    canary_pickle(folder / "pytorch_model.bin", canary)
    code, err = scan_exit(corpus, capsys, "--analyzers", "hate:transformers",
                          "--option", f"hate.model_path={folder}")
    assert code == 2 and "pytorch_model.bin: pickle-based, refused" in err and err.count("\n") == 1
    assert not canary.exists()


def test_head_whose_encoder_has_only_pickled_weights_is_refused(tmp_path):
    """A linear head names its encoder folder; that folder's weights are checked like the model's own."""
    pytest.importorskip("transformers")
    from biasaudit.analyzers.hate_transformers import (
        HEAD_FORMAT,
        HEAD_META,
        HEAD_WEIGHTS,
        TransformersHateModel,
    )
    from biasaudit.errors import InputError

    canary = tmp_path / "PWNED"
    encoder, head = tmp_path / "encoder", tmp_path / "head"
    encoder.mkdir()
    head.mkdir()
    (encoder / "config.json").write_text('{"model_type": "bert"}', encoding="utf-8")
    canary_pickle(encoder / "pytorch_model.bin", canary)
    (head / HEAD_WEIGHTS).write_bytes(b"")
    (head / HEAD_META).write_text(json.dumps({"format": HEAD_FORMAT, "labels": [
        "hate", "offensive", "neither"], "encoder": "../encoder"}), encoding="utf-8")
    with pytest.raises(InputError, match="pytorch_model.bin: pickle-based, refused"):
        TransformersHateModel(head)
    assert not canary.exists()


def test_no_unsafe_loader_in_the_package():
    """The package source never calls a pickle-based loader nor enables remote code or pickled arrays."""
    banned = re.compile(r"pickle\.loads?\(|joblib\.load\(|torch\.load\(|allow_pickle\s*=\s*True|"
                        r"trust_remote_code\s*=\s*True|\"trust_remote_code\":\s*True|weights_only\s*=\s*False")
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in (ROOT / "biasaudit").rglob("*.py")
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if banned.search(line)]
    assert hits == []


def test_transformers_loads_are_local_and_never_trust_remote_code(tmp_path, monkeypatch):
    """Every from_pretrained call made by the backend, recorded: local only, remote code off, safetensors."""
    transformers = pytest.importorskip("transformers")
    from test_hate_transformers import TEXTS, _tiny_classifier

    from biasaudit.analyzers.hate_transformers import TransformersHateModel

    calls = []
    for cls_name in ("AutoConfig", "AutoTokenizer", "AutoModel", "AutoModelForSequenceClassification"):
        cls = getattr(transformers, cls_name)
        original = cls.from_pretrained.__func__

        def recording(klass, *args, _original=original, _name=cls_name, **kwargs):
            calls.append((_name, kwargs))
            return _original(klass, *args, **kwargs)

        monkeypatch.setattr(cls, "from_pretrained", classmethod(recording))
    _tiny_classifier(tmp_path, {0: "hate", 1: "offensive", 2: "neither"})
    model = TransformersHateModel(tmp_path)
    assert model.predict_proba(TEXTS).shape == (len(TEXTS), 3)
    assert {name for name, _ in calls} == {"AutoConfig", "AutoTokenizer", "AutoModelForSequenceClassification"}
    for name, kwargs in calls:
        assert kwargs.get("trust_remote_code") is False and kwargs.get("local_files_only") is True, name
    assert all(kw.get("use_safetensors") is True for name, kw in calls if name.startswith("AutoModel"))


# ----------------------------------------------------------------------------------------------- escaping
PAYLOADS = {
    "text": "<script>alert('text')</script> what a lovely day",
    "attribute": '" onmouseover="alert(1)" x="',
    "textarea": "</textarea><svg onload=alert(2)>",
    "comment": "--><iframe src=javascript:alert(3)><!--",
}
SOURCE_NAME = "<img src=x onerror=alert(4)>.jsonl"


def test_every_corpus_string_is_escaped_in_html_and_markdown(tmp_path):
    turns = [{"speaker": PAYLOADS["attribute"], "role": PAYLOADS["textarea"], "text": text}
             for text in PAYLOADS.values()]
    corpus = tmp_path / SOURCE_NAME
    corpus.write_text(json.dumps({"id": PAYLOADS["comment"], "turns": turns}) + "\n"
                      + json.dumps({"id": "c2", "turns": [{"speaker": "<marquee>bold</marquee>", "text": "plain words"}]})
                      + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["scan", str(corpus), "--dialogue", "--analyzers", "sentiment", "--out", str(out),
                 "--quiet"]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    raw = [*PAYLOADS.values(), SOURCE_NAME, "<marquee>bold</marquee>"]
    for view in (page, markdown):
        for payload in raw:  # Markdown has no attributes: only markup (<) must not survive there
            assert payload not in view or (view is markdown and "<" not in payload), payload
        assert not re.search(r"<(script|svg|iframe|textarea|marquee)", view, re.IGNORECASE)
    # the only <img> tags are the report's own inline plots
    assert page.count("<img") == page.count('src="data:image/svg+xml;base64,')
    # the strings are there, escaped: speaker and role breakdowns, the source, ids and texts of extremes
    for shown in (PAYLOADS["attribute"], PAYLOADS["textarea"], SOURCE_NAME, "<marquee>bold</marquee>", PAYLOADS["text"]):
        assert html.escape(shown, quote=True) in page, shown
    assert html.escape(PAYLOADS["comment"], quote=True) in page  # conversation id inside record ids


# ----------------------------------------------------------------------------------------------- limits
@pytest.mark.parametrize("suffix,content,needle", [
    (".csv", "id,text\n1," + "x" * 300 + "\n2,ok\n", "row longer than the limit of 200 characters"),
    (".jsonl", json.dumps({"id": "c", "turns": [{"text": "y" * 300}]}) + "\n"
     + json.dumps({"id": "d", "turns": [{"text": "ok"}]}) + "\n", "line longer than the limit of 200 bytes"),
])
def test_record_size_limit_rejects_with_the_limit_named(suffix, content, needle, tmp_path):
    corpus = tmp_path / f"c{suffix}"
    corpus.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    args = ["--dialogue"] if suffix == ".jsonl" else []
    assert main(["scan", str(corpus), *args, "--analyzers", "sentiment", "--max-record-bytes", "200",
                 "--out", str(out), "--quiet"]) == 0
    rejected = [json.loads(x) for x in (out / "rejected.jsonl").read_text().splitlines()]
    assert len(rejected) == 1 and needle in rejected[0]["reason"] and "max_record_bytes" in rejected[0]["reason"]
    assert json.loads((out / "report.json").read_text())["counts"] == {
        "read": 2, "scored": 1, "rejected": 1, "rejected_by_reason": {rejected[0]["reason"].split(":")[0]: 1}}


def test_limit_must_be_positive(corpus, capsys):
    code, err = scan_exit(corpus, capsys, "--analyzers", "sentiment", "--max-record-bytes", "0")
    assert code == 2 and "max_record_bytes must be at least 1" in err
