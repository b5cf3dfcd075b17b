"""Parquet reader (row batches via ``ParquetFile.iter_batches``) and the Arrow-batch-to-records step HF shares.

It must not read a whole table into memory (only the text and id columns, one batch at a time).
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from biasaudit.errors import InputError
from biasaudit.io.lines import excerpt
from biasaudit.io.records import Record, Rejected

BATCH_ROWS = 4096


def resolve_column(schema: pa.Schema, path: str, source: str, option: str) -> tuple[str, list[str], pa.DataType]:
    """``path`` (a column, or ``struct.field`` dotted) -> (top-level column, nested names, type); InputError if
    absent."""
    if path in schema.names:
        return path, [], schema.field(path).type
    top, *sub = path.split(".")
    dtype = schema.field(top).type if top in schema.names else None
    for name in sub:
        if dtype is None or not pa.types.is_struct(dtype) or dtype.get_field_index(name) < 0:
            dtype = None
            break
        dtype = dtype.field(name).type
    if dtype is None:
        cols = ", ".join(repr(n) for n in schema.names[:20])
        raise InputError(f"no column {path!r} in the schema; expected one of {cols} (choose with {option})",
                         file=source, field=path)
    return top, sub, dtype


def is_text_type(dtype: pa.DataType) -> bool:
    if pa.types.is_dictionary(dtype):
        dtype = dtype.value_type
    return pa.types.is_string(dtype) or pa.types.is_large_string(dtype) or pa.types.is_string_view(dtype)


def _values(batch: pa.RecordBatch, top: str, sub: list[str]) -> list:
    arr = batch.column(top)
    for name in sub:
        arr = pc.struct_field(arr, name)
    return arr.to_pylist()


def records_from_batches(batches: Iterable[pa.RecordBatch], schema: pa.Schema, source: str, *,
                         text_field: str, id_field: str | None, max_record_bytes: int,
                         keep_fields: bool = False) -> Iterator[Record | Rejected]:
    """Records from Arrow batches; ``line`` is the 1-based row. A non-string text column rejects every row
    (the type is named in the reason), as do null texts and null ids. ``keep_fields``: each Record's
    ``fields`` is its whole row (the batches must then carry every column)."""
    top, sub, dtype = resolve_column(schema, text_field, source, "--text-field")
    id_top, id_sub, _ = resolve_column(schema, id_field, source, "--id-field") if id_field else (None, [], None)
    bad_type = None if is_text_type(dtype) else f"expected a string column, got {dtype}"
    base, row = os.path.basename(source), 0
    for batch in batches:
        texts = _values(batch, top, sub)
        ids = _values(batch, id_top, id_sub) if id_top else None
        rows = batch.to_pylist() if keep_fields else None
        for i, text in enumerate(texts):
            row += 1
            if bad_type or text is None or len(text) > max_record_bytes:
                reason = bad_type or ("expected a string, got null" if text is None else
                                      f"text longer than the limit of {max_record_bytes} characters")
                yield Rejected(source, row, reason, field=text_field, raw=excerpt(str(text)))
            elif ids is None:
                yield Record(f"{base}:{row}", text, source, row, fields=rows[i] if rows else None)
            elif ids[i] is None:
                yield Rejected(source, row, "missing id (null)", field=id_field, raw=excerpt(text))
            else:
                yield Record(str(ids[i]), text, source, row, fields=rows[i] if rows else None)


def hash_files(paths: Iterable[str]) -> tuple[int, str]:
    """(total bytes, sha256) of files read in 1 MiB chunks, for inputs read by seeking (not streaming)."""
    sha, total = hashlib.sha256(), 0
    for path in paths:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                sha.update(chunk)
                total += len(chunk)
    return total, sha.hexdigest()


def read_parquet(path: str, *, text_field: str = "text", id_field: str | None = None,
                 max_record_bytes: int = 10_000_000, keep_fields: bool = False) -> Iterator[Record | Rejected]:
    """Records from a Parquet file, reading only the needed columns (all with ``keep_fields``) batch by batch."""
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as err:
        raise InputError(f"not a readable Parquet file ({err}); expected an Apache Parquet file",
                         file=path) from None
    schema = pf.schema_arrow
    cols = [resolve_column(schema, text_field, path, "--text-field")[0]]
    if id_field:
        cols.append(resolve_column(schema, id_field, path, "--id-field")[0])
    columns = None if keep_fields else list(dict.fromkeys(cols))
    batches = pf.iter_batches(batch_size=BATCH_ROWS, columns=columns)
    try:
        yield from records_from_batches(batches, schema, path, text_field=text_field, id_field=id_field,
                                        max_record_bytes=max_record_bytes, keep_fields=keep_fields)
    except (pa.ArrowException, OSError) as err:
        raise InputError(f"Parquet data cannot be read ({err}); expected an intact Parquet file",
                         file=path) from None
