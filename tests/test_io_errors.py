"""Whole-input problems raise InputError with file (and field) and a message saying what was expected."""
from __future__ import annotations

import bz2
import gzip
import io
import sys

import pytest
import zstandard

from biasaudit.errors import InputError, UsageError
from biasaudit.io import iter_records


def read(paths, **kw):
    return list(iter_records(paths, **kw))


def test_missing_path_fails_before_any_record(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("x\n")
    it = iter_records([str(good), str(tmp_path / "nope.jsonl")])
    with pytest.raises(InputError) as err:
        next(it)
    assert err.value.file.endswith("nope.jsonl") and "no such file" in str(err.value)


def test_plain_directory_and_unknown_extension(tmp_path):
    with pytest.raises(InputError, match="is a directory; expected a file"):
        read([str(tmp_path)])
    (tmp_path / "data.xlsx").write_bytes(b"PK")
    with pytest.raises(InputError, match="unknown format of 'data.xlsx'.*--format"):
        read([str(tmp_path / "data.xlsx")])
    with pytest.raises(InputError, match="save_to_disk"):
        read([str(tmp_path)], format="hf")


@pytest.mark.parametrize("suffix,compress", [
    (".gz", gzip.compress), (".bz2", bz2.compress), (".zst", zstandard.ZstdCompressor().compress)])
def test_truncated_compressed_file(tmp_path, suffix, compress):
    data = compress(b"".join(b'{"text": "line %d"}\n' % i for i in range(5000)))
    p = tmp_path / f"t.jsonl{suffix}"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated or corrupt") as err:
        read([str(p)])
    assert err.value.file == str(p)


def test_not_actually_gzip(tmp_path):
    p = tmp_path / "fake.txt.gz"
    p.write_bytes(b"plain text, not gzip\n")
    with pytest.raises(InputError, match="gzip"):
        read([str(p)])


def test_unreadable_file(tmp_path, monkeypatch):
    from biasaudit.io import compression

    p = tmp_path / "secret.jsonl"
    p.write_text('{"text": "x"}\n')

    def denied(path, mode="r"):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(compression, "open", denied, raising=False)  # chmod 0 does not stop root
    with pytest.raises(InputError, match="cannot open \\(Permission denied\\); expected a readable file"):
        read([str(p)])


def test_stdin_that_is_not_json_needs_format(monkeypatch):
    monkeypatch.setattr(sys, "stdin", type("S", (), {"buffer": io.BufferedReader(io.BytesIO(b"a,b\n1,2\n"))}))
    with pytest.raises(InputError, match="--format"):
        read(["-"])


def test_parquet_from_stdin_or_compressed(tmp_path):
    with pytest.raises(InputError, match="seeking"):
        read(["-"], format="parquet")
    p = tmp_path / "x.parquet.gz"
    p.write_bytes(b"")
    with pytest.raises(InputError, match="seeking"):
        read([str(p)])


def test_bad_options_are_usage_errors(tmp_path):
    with pytest.raises(UsageError):
        read([])
    with pytest.raises(UsageError, match="unknown format"):
        read([str(tmp_path)], format="xml")
