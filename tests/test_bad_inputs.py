"""The bad-input matrix: every messy input through the real ``biasaudit scan`` with its documented outcome.

Each case is scored, rejected (file, line, field, reason in rejected.jsonl; read = scored + rejected) or stops
the scan (exit 2, one line naming the file). docs/bad_inputs.md is generated from CASES: ``python
tests/test_bad_inputs.py`` rewrites it, and a test fails when it drifts.
"""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from biasaudit.cli import main

DOC = Path(__file__).resolve().parents[1] / "docs" / "bad_inputs.md"
TWENTY_MB = 20 * 1024 * 1024
DEFAULT_ANALYZERS = "sentiment,linguistic_bias,hate"


def jsonl(*objs) -> bytes:
    return b"".join((o if isinstance(o, bytes) else json.dumps(o, ensure_ascii=False).encode()) + b"\n"
                    for o in objs)


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def truncated_gzip() -> bytes:
    data = gzip.compress(jsonl(*({"text": f"sentence number {i}"} for i in range(2000))))
    return data[: len(data) // 2]


def huge_line() -> bytes:
    return b'{"text": "' + b"a" * TWENTY_MB + b'"}\n' + jsonl({"text": "a normal sentence"})


@dataclass
class Case:
    """One bad input. ``files`` maps names to bytes (a bytes-returning function for big ones; None: make a
    directory); ``outcome`` is the documented sentence; ``rejected`` lists (line, field, reason start)."""

    name: str
    files: dict[str, bytes | Callable[[], bytes] | None]
    outcome: str
    args: list[str] = field(default_factory=list)
    inputs: list[str] | None = None  # default: the first file
    exit: int = 0
    scored: int | None = None
    rejected: list[tuple[int | None, str | None, str]] = field(default_factory=list)
    message: str | None = None  # exit 2: a part of the one-line message
    check: Callable[[pd.DataFrame], bool] | None = None  # a property of records.parquet
    analyzers: str = "sentiment"  # reading is what is tested; odd texts also go through every analyzer


def texts_are(*expected: str) -> Callable[[pd.DataFrame], bool]:
    return lambda frame: frame["text"].tolist() == list(expected)


ODD_TEXTS = ["\U0001F600\U0001F602\U0001F44D", "   \t ", "", "\u200b\u200c\u200d\u2060\ufeff",
             "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd", "\u0645\u0631\u062d\u0628\u0627 hello",
             "Hello \u043c\u0438\u0440 \u4e16\u754c \u05e9\u05dc\u05d5\u05dd", "x" * 100_000,
             "e\u0301\u0301\u0301 \u202eevil\u202c"]

CASES: list[Case] = [
    # ---------------------------------------------------------------- JSON lines
    Case("malformed JSON line", {"a.jsonl": jsonl({"text": "fine"}, b'{"text": "no end', {"text": "ok"})},
         "line rejected (malformed JSON), the others scored", scored=2, rejected=[(2, None, "malformed JSON")]),
    Case("truncated last line", {"a.jsonl": jsonl({"text": "fine"}) + b'{"text": "cut he'},
         "last line rejected (malformed JSON)", scored=1, rejected=[(2, None, "malformed JSON")]),
    Case("JSON value that is not an object", {"a.jsonl": jsonl(["a", "list"], "a string", {"text": "ok"})},
         "rejected: expected a JSON object, got array / string", scored=1,
         rejected=[(1, None, "expected a JSON object, got array"), (2, None, "expected a JSON object, got string")]),
    Case("missing text field", {"a.jsonl": jsonl({"body": "x"}, {"text": "ok"})},
         "rejected: missing field 'text'", scored=1, rejected=[(1, "text", "missing field")]),
    Case("null text", {"a.jsonl": jsonl({"text": None})}, "rejected: expected a string, got null",
         scored=0, rejected=[(1, "text", "expected a string, got null")]),
    Case("number where text is expected", {"a.jsonl": jsonl({"text": 42}, {"text": 1.5}, {"text": True})},
         "rejected: expected a string, got number / boolean", scored=0,
         rejected=[(1, "text", "expected a string, got number"), (2, "text", "expected a string, got number"),
                   (3, "text", "expected a string, got boolean")]),
    Case("list where text is expected", {"a.jsonl": jsonl({"text": ["a", "b"]})},
         "rejected: expected a string, got array", scored=0, rejected=[(1, "text", "expected a string, got array")]),
    Case("object where text is expected", {"a.jsonl": jsonl({"text": {"en": "hi"}})},
         "rejected: expected a string, got object (use --text-field text.en for nested text)", scored=0,
         rejected=[(1, "text", "expected a string, got object")]),
    Case("null or object id", {"a.jsonl": jsonl({"text": "a", "id": None}, {"text": "b", "id": {"x": 1}},
                                                {"text": "c", "id": 7})},
         "rejected: expected a string or number id; numeric ids kept as text", args=["--id-field", "id"],
         scored=1, rejected=[(1, "id", "expected a string or number id, got null"),
                             (2, "id", "expected a string or number id, got object")],
         check=lambda f: f["id"].tolist() == ["7"]),
    Case("duplicate ids", {"a.jsonl": jsonl({"id": "x", "text": "one"}, {"id": "x", "text": "two"})},
         "both scored: ids need not be unique (source and line tell records apart)", args=["--id-field", "id"],
         scored=2, check=lambda f: f["id"].tolist() == ["x", "x"] and f["line"].tolist() == [1, 2]),
    Case("wrong encoding (Latin-1 bytes)", {"a.jsonl": '{"text": "caf\u00e9"}\n'.encode("latin-1")
                                            + jsonl({"text": "ok"})},
         "line rejected: invalid UTF-8 at byte N", scored=1, rejected=[(1, None, "invalid UTF-8 at byte 13")]),
    Case("wrong encoding (UTF-16 with BOM)", {"a.jsonl": '{"text": "hi"}\n'.encode("utf-16")},
         "stop: starts with a UTF-16/UTF-32 byte-order mark; expected UTF-8", exit=2,
         message="a.jsonl:1: starts with a UTF-16/UTF-32 byte-order mark"),
    Case("UTF-8 BOM", {"a.jsonl": b"\xef\xbb\xbf" + jsonl({"text": "first"})}, "scored; the BOM is dropped",
         scored=1, check=texts_are("first")),
    Case("CRLF line endings", {"a.jsonl": b'{"text": "one"}\r\n{"text": "two"}\r\n'},
         "scored; the CR is dropped", scored=2, check=texts_are("one", "two")),
    Case("raw NUL byte in a line", {"a.jsonl": b'{"text": "a\x00b"}\n' + jsonl({"text": "ok"})},
         "rejected: malformed JSON (control character in string)", scored=1,
         rejected=[(1, None, "malformed JSON: unexpected control character")]),
    Case("escaped NUL in text", {"a.jsonl": b'{"text": "a\\u0000b"}\n'}, "scored; the text keeps the NUL",
         scored=1, check=texts_are("a\x00b")),
    Case("lone surrogate escape", {"a.jsonl": b'{"text": "x \\ud800 y"}\n'},
         "rejected: malformed JSON (no low surrogate)", scored=0,
         rejected=[(1, None, "malformed JSON: no low surrogate")]),
    Case("20 MB single line", {"a.jsonl": huge_line},
         "rejected: line longer than the limit of 10000000 bytes (--max-record-bytes); the next line scored",
         scored=1, rejected=[(1, None, "line longer than the limit of 10000000 bytes")]),
    Case("line over --max-record-bytes", {"a.jsonl": jsonl({"text": "x" * 500}, {"text": "short"})},
         "rejected with the limit named", args=["--max-record-bytes", "100"], scored=1,
         rejected=[(1, None, "line longer than the limit of 100 bytes (max_record_bytes)")]),
    Case("empty file", {"a.jsonl": b""}, "exit 0, read 0: an empty report", scored=0),
    Case("only blank lines", {"a.jsonl": b"\n  \n\t\n\r\n"}, "exit 0, read 0; blank lines counted in inputs",
         scored=0),
    Case("bad record with --on-error fail", {"a.jsonl": jsonl({"text": "ok"}, {"text": None})},
         "stop at the first bad record, naming file, line and field", args=["--on-error", "fail"], exit=2,
         message="a.jsonl:2 field 'text': expected a string, got null"),
    # ---------------------------------------------------------------- compressed
    Case("truncated gzip", {"a.jsonl.gz": truncated_gzip},
         "stop: gzip data is truncated or corrupt (records before the damage are not reported)", exit=2,
         message="a.jsonl.gz: gzip data is truncated or corrupt"),
    Case("not gzip despite .gz", {"a.jsonl.gz": jsonl({"text": "plain"})}, "stop: gzip data is truncated or corrupt",
         exit=2, message="a.jsonl.gz: gzip data is truncated or corrupt"),
    # ---------------------------------------------------------------- CSV
    Case("CSV with embedded newlines", {"a.csv": csv_bytes('id,text\n1,"two\nlines"\n2,plain\n')},
         "scored; the newline stays in the text", scored=2, check=texts_are("two\nlines", "plain")),
    Case("CSV ragged rows", {"a.csv": csv_bytes("id,text\n1,ok\n2,too,many\n3\n4,fine\n")},
         "rejected: expected 2 fields (as in the header)", scored=2,
         rejected=[(2, None, "expected 2 fields (as in the header), got 3"),
                   (3, None, "expected 2 fields (as in the header), got 1")]),
    Case("CSV without the text column", {"a.csv": csv_bytes("id,body\n1,x\n")},
         "stop: no column 'text' in the header (choose with --text-field)", exit=2,
         message="a.csv:1 field 'text': no column 'text' in the header"),
    Case("CSV in Latin-1", {"a.csv": "id,text\n1,caf\u00e9\n2,ok\n".encode("latin-1")},
         "row rejected: invalid UTF-8", scored=1, rejected=[(1, "text", "invalid UTF-8")]),
    # ---------------------------------------------------------------- Parquet
    Case("Parquet text column of integers", {"a.parquet": parquet_bytes(pa.table({"text": [1, 2]}))},
         "every row rejected: expected a string column, got int64", scored=0,
         rejected=[(1, "text", "expected a string column, got int64"),
                   (2, "text", "expected a string column, got int64")]),
    Case("Parquet null texts", {"a.parquet": parquet_bytes(pa.table({"text": ["ok", None]}))},
         "null rows rejected", scored=1, rejected=[(2, "text", "expected a string, got null")]),
    Case("not a Parquet file", {"a.parquet": b"PAR1 but not really"}, "stop: not a readable Parquet file",
         exit=2, message="a.parquet: not a readable Parquet file"),
    # ---------------------------------------------------------------- dialogues
    Case("dialogue turn without text", {"d.jsonl": jsonl({"id": "c", "turns": [{"speaker": "A", "text": "hi"},
                                                                            {"speaker": "B"}]})},
         "that turn rejected (field turns[1].text), the conversation's other turns scored", args=["--dialogue"],
         scored=1,
         rejected=[(1, "turns[1].text", "missing field")]),
    # ---------------------------------------------------------------- paths
    Case("missing path", {}, "stop: no such file", inputs=["nowhere.jsonl"], exit=2,
         message="nowhere.jsonl: no such file"),
    Case("directory as input", {"folder": None}, "stop: is a directory", exit=2,
         message="folder: is a directory"),
    Case("unknown extension", {"a.xlsx": b"PK"}, "stop: unknown format, give --format", exit=2,
         message="a.xlsx: unknown format"),
    # ---------------------------------------------------------------- odd but valid text
    Case("emoji, whitespace, zero-width, RTL, mixed scripts, long token",
         {"a.jsonl": jsonl(*({"text": t} for t in ODD_TEXTS))},
         "all scored by every analyzer; bias_* features are NaN for texts without word tokens (see "
         "docs/bad_inputs.md)", scored=len(ODD_TEXTS),
         check=lambda f: f["text"].tolist() == ODD_TEXTS and f["bias_score"].isna().tolist()
         == [False, True, True, False, False, False, False, False, False], analyzers=DEFAULT_ANALYZERS),
]


def _materialise(case: Case, where: Path) -> list[str]:
    for name, data in case.files.items():
        if data is None:
            (where / name).mkdir()
        else:
            (where / name).write_bytes(data() if callable(data) else data)
    return case.inputs or [next(iter(case.files))]


def _run(case: Case, where: Path, monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.chdir(where)  # relative names, so messages and rejected.jsonl show what the user typed
    inputs = _materialise(case, where)
    code = main(["scan", *inputs, "--analyzers", case.analyzers, "--out", "out", "--quiet",
                 *case.args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path, monkeypatch, capsys):
    code, err = _run(case, tmp_path, monkeypatch, capsys)
    assert "Traceback" not in err
    assert code == case.exit, err
    out = tmp_path / "out"
    if case.exit == 2:
        assert err.count("\n") == 1 and case.message in err, err
        assert not (out / "report.json").exists()
        return
    report = json.loads((out / "report.json").read_text())
    counts = report["counts"]
    assert counts["read"] == counts["scored"] + counts["rejected"]
    assert counts["scored"] == case.scored and counts["rejected"] == len(case.rejected)
    assert len(pd.read_parquet(out / "records.parquet")) == case.scored
    rejected = [json.loads(line) for line in (out / "rejected.jsonl").read_text().splitlines()] \
        if case.rejected else []
    assert not (out / "rejected.jsonl").exists() or case.rejected
    assert [(r["line"], r["field"]) for r in rejected] == [(line, fld) for line, fld, _ in case.rejected]
    for r, (_, _, reason) in zip(rejected, case.rejected):
        assert r["reason"].startswith(reason), r
        assert r["source"] in case.files
    if case.check:
        assert case.check(pd.read_parquet(out / "records.parquet"))


def test_blank_lines_are_counted_not_records(tmp_path, monkeypatch, capsys):
    case = next(c for c in CASES if c.name == "only blank lines")
    assert _run(case, tmp_path, monkeypatch, capsys)[0] == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["inputs"][0]["blank_lines"] == 4 and report["counts"]["read"] == 0


@pytest.mark.parametrize("name", ["truncated gzip", "missing path", "20 MB single line"])
def test_no_traceback_reaches_the_user(name, tmp_path):
    """Through a real `python -m biasaudit` process: stderr exactly as a user sees it."""
    case = next(c for c in CASES if c.name == name)
    inputs = _materialise(case, tmp_path)
    proc = subprocess.run([sys.executable, "-m", "biasaudit", "scan", *inputs, "--analyzers", "sentiment",
                           "--out", "out", "--quiet"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == case.exit, proc.stderr
    if case.exit == 2:
        assert proc.stderr.count("\n") == 1 and case.message in proc.stderr


def render_doc() -> str:
    rows = "\n".join(f"| {c.name} | {'exit 2' if c.exit == 2 else 'exit 0'} | {c.outcome} |" for c in CASES)
    return f"""# What happens to bad input

Generated from `tests/test_bad_inputs.py` (`python tests/test_bad_inputs.py` rewrites this file; a test fails
when it drifts). Every case runs through `biasaudit scan` in the test suite.

A bad **record** is rejected: the scan goes on, the record is written to `rejected.jsonl` with `source`, `line`
(CSV/Parquet: the data row; CSV rejects also carry `file_line`), `field`, `reason` and a `raw` excerpt, and it
is counted in `report.json` (`counts.rejected`, `counts.rejected_by_reason`). `read = scored + rejected`, always;
blank lines are not records (counted per input as `blank_lines`). With `--on-error fail` the first bad record
stops the scan instead. A bad **input** (missing, unreadable, damaged, wrong format) stops the scan with exit
code 2 and one line naming the file (and line and field when known); no traceback. Record and line size are
limited by `--max-record-bytes` (default 10,000,000 bytes; for JSONL/TXT/dialogues it is the line length).

| case | exit | outcome |
|---|---|---|
{rows}

## Scores that may be NaN

Any Unicode text is scored without error (property tests in `tests/test_properties.py`). Sentiment
(`vader_*`) and hate (`p_*`, `hate_label`) values are always defined. `linguistic_bias` needs words: for a text
with no word tokens (empty, whitespace-only) `bias_score` and every `bias_*` feature are NaN and
`bias_word_count` is 0 (NaN when the henderson2018 pre-processing drops the text); with
`--option linguistic_bias.modality=false`, `bias_modality` and `bias_score` are NaN. NaN values are left out of
the report's means and quantiles (`n_nan` counts them) and are `null` in report.json.
"""


def test_doc_lists_every_case():
    assert DOC.read_text(encoding="utf-8") == render_doc(), "run: python tests/test_bad_inputs.py"


def test_matrix_is_large_enough():
    assert len(CASES) >= 30 and len({c.name for c in CASES}) == len(CASES)


if __name__ == "__main__":
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render_doc(), encoding="utf-8")
    print(f"wrote {DOC}")
