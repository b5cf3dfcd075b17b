"""Parquet and saved Hugging Face datasets: columns, nested paths, wrong types, ids, schema errors."""
from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from biasaudit.errors import InputError
from biasaudit.io import ReadStats, Record, Rejected, iter_records


def read(path, **kw):
    return list(iter_records([str(path)], **kw))


def test_parquet_batches_ids_nulls_and_nested(tmp_path):
    p = tmp_path / "d.parquet"
    n = 10_000  # several batches
    table = pa.table({"text": [f"t{i}" if i != 5 else None for i in range(n)], "uid": list(range(n)),
                      "msg": [{"body": f"m{i}"} for i in range(n)], "num": list(range(n))})
    pq.write_table(table, p, row_group_size=3000)
    stats = ReadStats()
    out = read(p, id_field="uid", stats=stats)
    assert len(out) == n and out[5].__class__ is Rejected and out[5].line == 6 and out[5].field == "text"
    assert (out[0].id, out[0].text, out[0].line) == ("0", "t0", 1)
    assert (out[-1].id, out[-1].line) == (str(n - 1), n)
    assert stats.sources[0].sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    assert [r.text for r in read(p, text_field="msg.body")[:2]] == ["m0", "m1"]


def test_parquet_wrong_column_type_rejects_each_row(tmp_path):
    p = tmp_path / "n.parquet"
    pq.write_table(pa.table({"text": [1, 2, 3]}), p)
    out = read(p)
    assert len(out) == 3 and all(isinstance(o, Rejected) for o in out)
    assert out[0].reason == "expected a string column, got int64" and out[2].line == 3


def test_parquet_absent_column_and_not_parquet(tmp_path):
    p = tmp_path / "n.parquet"
    pq.write_table(pa.table({"body": ["a"]}), p)
    with pytest.raises(InputError, match="no column 'text'.*'body'"):
        read(p)
    with pytest.raises(InputError, match="no column 'body.x'"):
        read(p, text_field="body.x")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match="Parquet"):
        read(bad)


def test_hf_dataset_and_dataset_dict(tmp_path):
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"sentence": ["a", "b", None], "idx": [10, 11, 12]})
    ds.save_to_disk(str(tmp_path / "ds"))
    stats = ReadStats()
    out = read(tmp_path / "ds", text_field="sentence", id_field="idx", stats=stats)
    assert [(o.id, o.text) for o in out[:2]] == [("10", "a"), ("11", "b")]
    assert isinstance(out[2], Rejected) and out[2].line == 3
    assert stats.sources[0].format == "hf" and stats.sources[0].sha256
    dd = datasets.DatasetDict({"train": ds, "test": ds.select([0])})
    dd.save_to_disk(str(tmp_path / "dd"))
    recs = [o for o in read(tmp_path / "dd", text_field="sentence") if isinstance(o, Record)]
    assert [(r.source.rsplit("[", 1)[1], r.text) for r in recs] == [("test]", "a"), ("train]", "a"),
                                                                     ("train]", "b")]
    with pytest.raises(InputError, match="no column 'text'.*'sentence'"):
        read(tmp_path / "ds")
