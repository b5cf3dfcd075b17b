"""Hugging Face ``datasets`` reader for a dataset (or DatasetDict) saved with ``save_to_disk``.

It must not load the dataset into memory (the Arrow files are memory-mapped; rows are read batch by batch)
nor import ``datasets`` unless such an input is given (it is an optional dependency).
"""
from __future__ import annotations

import os
from collections.abc import Iterator

from biasaudit.errors import InputError
from biasaudit.io.parquet import BATCH_ROWS, records_from_batches
from biasaudit.io.records import Record, Rejected


def is_saved_dataset(path: str) -> bool:
    """True for a directory written by ``Dataset.save_to_disk`` or ``DatasetDict.save_to_disk``."""
    return os.path.isfile(os.path.join(path, "dataset_dict.json")) or (
        os.path.isfile(os.path.join(path, "state.json"))
        and os.path.isfile(os.path.join(path, "dataset_info.json")))


def data_files(path: str) -> list[str]:
    """Every file under the dataset directory, sorted, for the input's byte count and digest."""
    found = [os.path.join(root, name) for root, _, names in os.walk(path) for name in names]
    return sorted(found)


def read_hf(path: str, *, text_field: str = "text", id_field: str | None = None,
            max_record_bytes: int = 10_000_000, keep_fields: bool = False) -> Iterator[Record | Rejected]:
    """Records of every split in order (a DatasetDict's splits sorted by name; their source is
    ``<path>[<split>]`` and ``line`` is the row within the split)."""
    try:
        import datasets
    except ImportError:
        raise InputError("reading a saved Hugging Face dataset needs the 'datasets' package; expected it "
                         "installed (pip install 'biasaudit[hf]')", file=path) from None
    try:
        loaded = datasets.load_from_disk(path)
    except (FileNotFoundError, ValueError, OSError) as err:
        raise InputError(f"cannot load the saved dataset ({err}); expected a directory written by "
                         "save_to_disk", file=path) from None
    if isinstance(loaded, datasets.DatasetDict):
        splits = [(f"{path}[{name}]", loaded[name]) for name in sorted(loaded)]
    else:
        splits = [(path, loaded)]
    for source, ds in splits:
        schema = ds.features.arrow_schema
        tables = ds.with_format("arrow").iter(batch_size=BATCH_ROWS)
        batches = (b for table in tables for b in table.to_batches())
        yield from records_from_batches(batches, schema, source, text_field=text_field, id_field=id_field,
                                        max_record_bytes=max_record_bytes, keep_fields=keep_fields)
