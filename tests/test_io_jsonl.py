"""JSONL and plain-text readers, compression, stdin and the bad-record kinds, on files written to tmp_path."""
from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import sys

import pytest
import zstandard

from biasaudit.io import ReadStats, Record, Rejected, iter_records


def write(path, data: bytes):
    path.write_bytes(data)
    return str(path)


def read(paths, **kw):
    return list(iter_records(paths if isinstance(paths, list) else [paths], **kw))


LINES = [b'{"text": "hello", "uid": 7}', b'{"text": "", "uid": "b"}', b'{"text": "  ", "uid": 1.5}']


def test_records_ids_and_lines(tmp_path):
    p = write(tmp_path / "a.jsonl", b"\n".join(LINES) + b"\n")
    recs = read(p)
    assert [(r.id, r.text, r.line, r.source) for r in recs] == [
        ("a.jsonl:1", "hello", 1, p), ("a.jsonl:2", "", 2, p), ("a.jsonl:3", "  ", 3, p)]
    assert [r.id for r in read(p, id_field="uid")] == ["7", "b", "1.5"]


def test_dotted_text_path_and_literal_dotted_key(tmp_path):
    p = write(tmp_path / "m.jsonl", b'{"message": {"text": "nested"}}\n{"message.text": "flat"}\n'
                                    b'{"message": "not an object"}\n')
    out = read(p, text_field="message.text")
    assert [r.text for r in out[:2]] == ["nested", "flat"]
    assert isinstance(out[2], Rejected) and out[2].field == "message.text" and out[2].line == 3


def test_bom_crlf_blank_lines_counted_not_records(tmp_path):
    p = write(tmp_path / "b.jsonl", b'\xef\xbb\xbf{"text": "a"}\r\n\r\n   \n{"text": "b"}\r\n')
    stats = ReadStats()
    out = read(p, stats=stats)
    assert [(r.text, r.line) for r in out] == [("a", 1), ("b", 4)]
    s = stats.sources[0]
    assert (s.records, s.rejected, s.blank_lines, s.format) == (2, 0, 2, "jsonl")
    assert s.bytes_read == (tmp_path / "b.jsonl").stat().st_size
    assert s.sha256 == hashlib.sha256((tmp_path / "b.jsonl").read_bytes()).hexdigest()


def test_every_bad_record_kind_is_rejected_with_line_and_field(tmp_path):
    lines = [
        b'{"text": "ok", "id": "x"}',                 # 1 record
        b'{"text": "unterminated',                    # 2 malformed JSON
        b'{"body": "no text"}',                       # 3 missing field
        b'{"text": 42}',                              # 4 number
        b'{"text": ["a"]}',                           # 5 list
        b'{"text": {"a": 1}}',                        # 6 object
        b'{"text": null}',                            # 7 null
        b'{"text": "caf\xe9"}',                       # 8 invalid UTF-8
        b'{"text": "' + b"x" * 500 + b'"}',           # 9 too long
        b'[1, 2]',                                    # 10 not an object
        b'{"text": "no id"}',                         # 11 missing id
        b'{"text": "bad id", "id": [1]}',             # 12 id not a scalar
        b'{"text": "last", "id": 5}',                 # 13 record (no final newline)
    ]
    p = write(tmp_path / "bad.jsonl", b"\n".join(lines))
    stats = ReadStats()
    out = read(p, id_field="id", max_record_bytes=300, stats=stats)
    assert len(out) == len(lines)  # nothing lost
    assert [o.line for o in out] == list(range(1, 14))
    rej = {o.line: o for o in out if isinstance(o, Rejected)}
    assert sorted(rej) == list(range(2, 13))
    assert "malformed JSON" in rej[2].reason and rej[2].raw.startswith('{"text": "unterminated')
    assert (rej[3].field, rej[3].reason) == ("text", "missing field")
    assert [rej[i].reason for i in (4, 5, 6, 7)] == [f"expected a string, got {t}"
                                                      for t in ("number", "array", "object", "null")]
    assert "invalid UTF-8" in rej[8].reason
    assert "longer than the limit of 300" in rej[9].reason and len(rej[9].raw) == 200
    assert "expected a JSON object, got array" == rej[10].reason
    assert (rej[11].field, rej[11].reason) == ("id", "missing id field")
    assert rej[12].field == "id" and "array" in rej[12].reason
    assert (stats.records, stats.rejected) == (2, 11)


@pytest.mark.parametrize("n", [1, 3, 10])
def test_long_line_spanning_blocks_is_skipped_to_its_end(tmp_path, monkeypatch, n):
    import biasaudit.io.lines as lines_mod

    monkeypatch.setattr(lines_mod, "_BLOCK", 7)  # force lines to span many reads
    body = b'{"text": "' + b"y" * (40 * n) + b'"}'
    p = write(tmp_path / "l.jsonl", b'{"text": "a"}\n' + body + b'\n{"text": "b"}\n' + body)
    out = read(p, max_record_bytes=30)
    assert [(type(o).__name__, o.line) for o in out] == [
        ("Record", 1), ("Rejected", 2), ("Record", 3), ("Rejected", 4)]
    assert out[2].text == "b"


@pytest.mark.parametrize("suffix,compress", [
    (".gz", gzip.compress), (".bz2", bz2.compress), (".zst", zstandard.ZstdCompressor().compress)])
def test_compressed_by_extension(tmp_path, suffix, compress):
    raw = compress(b"\n".join(LINES) + b"\n")
    p = write(tmp_path / f"c.jsonl{suffix}", raw)
    stats = ReadStats()
    assert [r.text for r in read(p, stats=stats)] == ["hello", "", "  "]
    assert stats.sources[0].sha256 == hashlib.sha256(raw).hexdigest()
    assert stats.sources[0].bytes_read == len(raw)


def test_zstd_multiple_frames(tmp_path):
    c = zstandard.ZstdCompressor()
    p = write(tmp_path / "f.txt.zstd", c.compress(b"one\ntw") + c.compress(b"o\nthree\n"))
    assert [r.text for r in read(p)] == ["one", "two", "three"]


def test_plain_text_lines(tmp_path):
    p = write(tmp_path / "t.txt", b"first line\r\n\nsecond \xff line\n  spaced  \n")
    stats = ReadStats()
    out = read(p, stats=stats)
    assert isinstance(out[1], Rejected) and out[1].line == 3 and "UTF-8" in out[1].reason
    assert [(o.id, o.text) for o in out if isinstance(o, Record)] == [("t.txt:1", "first line"),
                                                                       ("t.txt:4", "  spaced  ")]
    assert stats.sources[0].blank_lines == 1


class FakeStdin:
    def __init__(self, data: bytes):
        self.buffer = io.BufferedReader(io.BytesIO(data))


def test_stdin_jsonl_sniffed_and_hashed(monkeypatch):
    data = b"\n".join(LINES)
    monkeypatch.setattr(sys, "stdin", FakeStdin(data))
    stats = ReadStats()
    out = read("-", stats=stats)
    assert [(r.id, r.source) for r in out] == [("<stdin>:1", "<stdin>"), ("<stdin>:2", "<stdin>"), ("<stdin>:3", "<stdin>")]
    assert stats.sources[0].sha256 == hashlib.sha256(data).hexdigest()


def test_stdin_gzip_and_explicit_format(monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(gzip.compress(b"plain text\nmore\n")))
    assert [r.text for r in read("-", format="txt")] == ["plain text", "more"]


def test_several_files_keep_source_and_order(tmp_path):
    a = write(tmp_path / "a.jsonl", b'{"text": "1"}\n{"text": "2"}\n')
    b = write(tmp_path / "b.txt", b"3\n")
    stats = ReadStats()
    out = read([a, b], stats=stats)
    assert [(r.source, r.text) for r in out] == [(a, "1"), (a, "2"), (b, "3")]
    assert [s.format for s in stats.sources] == ["jsonl", "txt"]


def test_format_override(tmp_path):
    p = write(tmp_path / "data.log", b'{"text": "x"}\n')
    assert read(p, format="jsonl")[0].text == "x"
    assert read(p, format="txt")[0].text == '{"text": "x"}'


def test_stdin_csv_and_dialogue_leave_stdin_open(monkeypatch):
    fake = FakeStdin(b"text,who\nhi there,ann\n")
    monkeypatch.setattr(sys, "stdin", fake)
    assert [r.text for r in read("-", format="csv")] == ["hi there"]
    assert not fake.buffer.closed
    monkeypatch.setattr(sys, "stdin", FakeStdin(b'{"id": "c", "turns": [{"text": "a"}, {"text": "b"}]}\n'))
    stats = ReadStats()
    assert [r.id for r in read("-", dialogue=True, stats=stats)] == ["c:0", "c:1"]
    assert stats.sources[0].format == "dialogue"
