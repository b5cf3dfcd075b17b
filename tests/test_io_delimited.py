"""CSV/TSV reader: header, quoted newlines, ragged rows, bad bytes, ids, on files written to tmp_path."""
from __future__ import annotations

import gzip

import pytest

from biasaudit.errors import InputError
from biasaudit.io import ReadStats, Record, iter_records


def read(path, **kw):
    return list(iter_records([str(path)], **kw))


def test_csv_quoted_newlines_bom_crlf(tmp_path):
    p = tmp_path / "d.csv"
    p.write_bytes(b'\xef\xbb\xbfid,text\r\n1,"hello, world"\r\n2,"two\r\nlines"\r\n3,\r\n')
    out = read(p)
    assert [(r.id, r.text, r.line) for r in out] == [("d.csv:1", "hello, world", 1),
                                                      ("d.csv:2", "two\r\nlines", 2), ("d.csv:3", "", 3)]
    assert [r.id for r in read(p, id_field="id")] == ["1", "2", "3"]


def test_ragged_and_undecodable_rows_are_rejected_nothing_lost(tmp_path):
    p = tmp_path / "r.csv"
    p.write_bytes(b'text,label\n"a\nb",x\nonly-one\nc,y,extra\nd\xff,z\n\ne,w\n')
    stats = ReadStats()
    out = read(p, stats=stats)
    assert [(type(o).__name__, o.line) for o in out] == [
        ("Record", 1), ("Rejected", 2), ("Rejected", 3), ("Rejected", 4), ("Record", 5)]
    assert "expected 2 fields" in out[1].reason and out[1].extra["file_line"] == 4
    assert out[2].extra["file_line"] == 5 and "got 3" in out[2].reason
    assert out[3].reason == "invalid UTF-8" and out[3].field == "text" and out[3].extra["file_line"] == 6
    assert out[4].text == "e"
    assert (stats.records, stats.rejected, stats.blank_lines) == (2, 3, 1)


def test_row_over_limit_is_rejected(tmp_path):
    p = tmp_path / "big.csv"
    p.write_text("text\nshort\n" + "z" * 500 + "\nafter\n")
    out = read(p, max_record_bytes=100)
    assert [type(o).__name__ for o in out] == ["Record", "Rejected", "Record"]
    assert out[2].text == "after"


def test_tsv_and_compressed(tmp_path):
    p = tmp_path / "t.tsv.gz"
    p.write_bytes(gzip.compress(b"who\ttext\nann\tshe said hi\nbob\the left\n"))
    out = read(p, id_field="who")
    assert [(r.id, r.text) for r in out] == [("ann", "she said hi"), ("bob", "he left")]
    assert all(isinstance(r, Record) for r in out)


@pytest.mark.parametrize("option", ["text_field", "id_field"])
def test_absent_column_is_input_error(tmp_path, option):
    p = tmp_path / "h.csv"
    p.write_text("body,label\nx,y\n")
    kw = {"text_field": "body", option: "missing"}
    with pytest.raises(InputError) as err:
        read(p, **kw)
    assert err.value.field == "missing" and "'body'" in str(err.value) and err.value.file == str(p)


def test_empty_csv_has_no_records(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text("")
    assert read(p) == []
