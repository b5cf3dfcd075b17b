"""Dispatch: turn input paths (files, saved datasets, ``-``) into one stream of Record | Rejected, in order.

It must not parse any format itself (one module per format does) nor buffer a corpus: it only picks readers,
counts what they yield and turns broken compressed streams into InputError.
"""
from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Sequence

from biasaudit.errors import InputError, UsageError
from biasaudit.io.compression import (
    DECOMPRESSION_ERRORS,
    STDIN,
    check_path,
    finish,
    open_input,
    split_compression,
)
from biasaudit.io.convokit import looks_like_convokit, read_convokit
from biasaudit.io.delimited import read_delimited
from biasaudit.io.dialogue import read_dialogue
from biasaudit.io.hf import data_files, is_saved_dataset, read_hf
from biasaudit.io.jsonl import read_jsonl
from biasaudit.io.lines import iter_lines
from biasaudit.io.outputs import looks_like_outputs, read_outputs
from biasaudit.io.parquet import hash_files, read_parquet
from biasaudit.io.records import Record, Rejected
from biasaudit.io.stats import ReadStats, SourceStats
from biasaudit.io.text import read_text
from biasaudit.io.transcript import read_transcript
from biasaudit.io.ubuntu import read_ubuntu

FORMATS = ("auto", "jsonl", "csv", "tsv", "parquet", "txt", "hf", "convokit", "transcript", "ubuntu", "outputs")
#: Formats whose records are turns of conversations (they carry conversation id, turn and n_turns).
DIALOGUE_FORMATS = ("dialogue", "convokit", "transcript", "ubuntu")
_LINE_READERS = {"jsonl": read_jsonl, "dialogue": read_dialogue, "convokit": read_convokit,
                 "transcript": read_transcript, "ubuntu": read_ubuntu, "outputs": read_outputs}
#: Line formats whose records carry their own object (``keep_fields``); the others have none to keep.
_KEEP_FIELDS = ("jsonl", "dialogue")
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl", ".csv": "csv", ".tsv": "tsv",
              ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet", ".txt": "txt", ".text": "txt"}
CONVOKIT_NAME = "utterances.jsonl"
STDIN_SOURCE = "<stdin>"


def iter_records(paths: Sequence[str], *, format: str = "auto", text_field: str = "text",
                 id_field: str | None = None, dialogue: bool = False, max_record_bytes: int = 10_000_000,
                 stats: ReadStats | None = None, keep_fields: bool = False) -> Iterator[Record | Rejected]:
    """Every record (or rejection) of every input, files in the given order, records in file order.

    ``format="auto"`` picks by extension under .gz/.bz2/.zst (stdin: JSON lines if it starts with ``{``);
    ``dialogue=True`` reads JSONL as conversations (ConvoKit ``utterances.jsonl`` is recognised by its name,
    or with ``dialogue`` by its fields); ``dialogue`` only changes JSONL inputs, others stay flat records
    (so ``--example`` can join a CSV). JSONL whose first line has a ``response`` and no ``text`` is read as
    model outputs (``format="outputs"``) when the text field is the default. Transcripts and Ubuntu markup
    are never guessed (both are plain text): name them with ``format``. All paths are checked before the first
    record, so a typo in the last path fails fast. ``stats`` is filled while reading. ``keep_fields`` puts each
    record's own object (JSON object, CSV/Parquet row, dialogue turn) in ``Record.fields``; plain text,
    ConvoKit, transcripts, Ubuntu markup and model outputs have none.
    """
    if isinstance(paths, str):
        paths = [paths]
    if not paths:
        raise UsageError("no input given; expected at least one path (or - for stdin)")
    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    if dialogue and format not in ("auto", "jsonl", "convokit", "transcript", "ubuntu"):
        raise UsageError(f"dialogue input is JSON lines; --format {format} cannot be read as dialogues")
    if max_record_bytes < 1:
        raise UsageError("max_record_bytes must be positive")
    plan = [_plan(path, format, dialogue, text_field) for path in paths]
    stats = stats if stats is not None else ReadStats()
    for path, kind in plan:
        src = SourceStats(path=STDIN_SOURCE if path == STDIN else path, format=kind)
        stats.sources.append(src)
        for item in _read(path, kind, src, text_field, id_field, max_record_bytes, keep_fields):
            if item.__class__ is Record:
                src.records += 1
            else:
                src.rejected += 1
            yield item


def _plan(path: str, format: str, dialogue: bool, text_field: str = "text") -> tuple[str, str]:
    """(path to open, reader kind), raising InputError for a path that cannot be read as asked."""
    if path != STDIN and os.path.isdir(path):
        if format in ("auto", "hf") and is_saved_dataset(path):
            return path, "hf"
        utterances = os.path.join(path, CONVOKIT_NAME)
        if format in ("auto", "convokit") and os.path.isfile(utterances):
            return utterances, "convokit"
    if format == "hf":
        raise InputError("expected a directory written by datasets' save_to_disk (with state.json or "
                         "dataset_dict.json)", file=path)
    check_path(path)
    inner, compression = split_compression(os.path.basename(path))
    kind = format
    if kind == "auto":
        if path == STDIN:
            return path, "sniff?" if dialogue else "sniff"
        kind = "convokit" if inner.lower() == CONVOKIT_NAME else EXTENSIONS.get(os.path.splitext(inner)[1].lower())
        if kind is None:
            raise InputError(f"unknown format of {inner!r}; expected an extension among "
                             f"{', '.join(EXTENSIONS)} (optionally + .gz/.bz2/.zst), or give --format", file=path)
    if kind == "parquet" and (path == STDIN or compression):
        raise InputError("Parquet is read by seeking, so not from stdin or compressed; expected a plain "
                         ".parquet file", file=path)
    if dialogue and kind == "jsonl":
        kind = "dialogue?"  # conversations, unless the first line is a ConvoKit utterance
    elif kind == "jsonl" and format == "auto" and text_field == "text":
        kind = "jsonl?"  # records, unless the first line is a model output (response, no text)
    return path, kind


def _read(path: str, kind: str, src: SourceStats, text_field: str, id_field: str | None,
          max_bytes: int, keep_fields: bool = False) -> Iterator[Record | Rejected]:
    keep = {"keep_fields": True} if keep_fields else {}
    if kind in ("parquet", "hf"):
        reader = read_parquet if kind == "parquet" else read_hf
        yield from reader(path, text_field=text_field, id_field=id_field, max_record_bytes=max_bytes, **keep)
        src.bytes_read, src.sha256 = hash_files(data_files(path) if kind == "hf" else [path])
        return
    source = src.path
    with open_input(path) as opened:
        try:
            _refuse_utf16(opened.stream, source)
            if kind.startswith("sniff"):
                kind = "dialogue?" if _sniff_stdin(opened.stream) and kind == "sniff?" else "jsonl?"
            src.format = kind.rstrip("?")
            if kind in ("csv", "tsv"):
                yield from read_delimited(opened.stream, source, delimiter="," if kind == "csv" else "\t",
                                          text_field=text_field, id_field=id_field,
                                          max_record_bytes=max_bytes, counter=src, **keep)
            else:
                lines = iter_lines(opened.stream, source, max_bytes, src)
                if kind == "dialogue?":
                    lines, kind = _peek_kind(lines, lambda line: "convokit" if looks_like_convokit(line)
                                             else "dialogue", "dialogue")
                elif kind == "jsonl?":
                    lines, kind = _peek_kind(lines, lambda line: "outputs" if looks_like_outputs(line)
                                             else "jsonl", "jsonl")
                src.format = kind
                reader = _LINE_READERS.get(kind)
                if reader is None:
                    yield from read_text(lines, source)
                else:
                    yield from reader(lines, source, text_field=text_field, id_field=id_field,
                                      **(keep if kind in _KEEP_FIELDS else {}))
            finish(opened)
        except DECOMPRESSION_ERRORS as err:
            what = (f"{opened.compression} data is truncated or corrupt ({err}); expected a complete "
                    f"{opened.compression} stream") if opened.compression else f"read failed ({err})"
            raise InputError(what, file=source) from None
        src.bytes_read, src.sha256 = opened.bytes_read, opened.sha256


def _refuse_utf16(stream, source: str) -> None:
    """A UTF-16/32 byte-order mark (bytes never valid in UTF-8) would turn every line into a reject: stop."""
    head = stream.peek(4)[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        raise InputError("starts with a UTF-16/UTF-32 byte-order mark; expected UTF-8 text (convert it first, "
                         "e.g. iconv -f UTF-16 -t UTF-8)", file=source, line=1)


def _sniff_stdin(stream) -> str:
    head = stream.peek(64)[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "jsonl"
    raise InputError("cannot tell the format of stdin; expected JSON lines (starting with '{') or --format",
                     file=STDIN_SOURCE)


def _peek_kind(lines: Iterator, decide, default: str) -> tuple[Iterator, str]:
    """The reader kind ``decide`` picks from the first readable line (e.g. ConvoKit utterance vs dialogue)."""
    seen = []
    for item in lines:
        seen.append(item)
        if item.__class__ is tuple:
            return itertools.chain(seen, lines), decide(item[1])
    return iter(seen), default
