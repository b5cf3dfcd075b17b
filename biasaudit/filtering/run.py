"""``filter_files``: split corpus files into kept and rejected JSON lines under a policy, with a summary.

Every input record ends in exactly one output: kept (tagged in tag mode) or rejected (with its reason; records
that cannot be read are rejected as ``unreadable``). Both outputs are written atomically; the summary holds the
counts, the policy, versions and the "who gets filtered out" section.
"""
from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from biasaudit.core import DEFAULT_BATCH_SIZE
from biasaudit.errors import UsageError
from biasaudit.filtering.hook import REASON_KEY, Decisions, FilterHook
from biasaudit.filtering.policy import Policy
from biasaudit.io.records import Record, Rejected
from biasaudit.report.build import json_ready
from biasaudit.report.filtered import FilterAccount, render_markdown
from biasaudit.report.writers import atomic_writer, dumps_json, write_text

ENGINES = ("local", "ray")
UNREADABLE = "unreadable"


@dataclass
class FilterResult:
    """What a filter run produced: the summary dict and where it was written."""

    summary: dict[str, Any]
    keep: Path
    rejected: Path
    summary_path: Path

    @property
    def counts(self) -> dict[str, int]:
        return self.summary["counts"]


def filter_files(inputs: Sequence[str | os.PathLike], keep: str | os.PathLike, rejected: str | os.PathLike, *,
                 policy: Any = None, summary: str | os.PathLike | None = None, engine: str = "local",
                 address: str | None = None, workers: int = 2, format: str = "auto", text_field: str = "text",
                 id_field: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                 max_record_bytes: int = 10_000_000, progress: bool | None = None) -> FilterResult:
    """Apply ``policy`` (YAML path, dict, Policy or None for the default) to every record of ``inputs``.

    ``keep``/``rejected`` receive JSON lines: each record's own fields (or id and text for formats without
    fields), in tag mode plus ``policy.tag_key`` with scores; rejected ones plus ``filter_reason``. The summary
    (``summary`` or ``KEEP.summary.json``, and a ``.md`` beside it) counts them. ``engine="ray"`` scores on Ray
    (``address`` of a cluster, else a local one with ``workers`` actors) and decides identically.
    """
    from biasaudit.io.readers import ReadStats, iter_records

    if engine not in ENGINES:
        raise UsageError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if batch_size < 1 or workers < 1:
        raise UsageError("batch_size and workers must be at least 1")
    hook = FilterHook(Policy.load(policy))
    account = FilterAccount(hook.policy, [c.name for c in hook.columns if c.kind == "score"])
    keep, rejected = Path(keep), Path(rejected)
    if keep.resolve() == rejected.resolve():
        raise UsageError("--keep and --rejected must be different files")
    summary_path = Path(summary) if summary else keep.with_name(keep.name + ".summary.json")
    paths = [str(p) for p in inputs]
    stats = ReadStats()
    items = iter_records(paths, format=format, text_field=text_field, id_field=id_field,
                         max_record_bytes=max_record_bytes, stats=stats, keep_fields=True)
    items = itertools.chain(list(itertools.islice(items, 1)), items)  # bad paths fail before outputs open
    counts = {"read": 0, "kept": 0, "rejected": 0, "dropped": 0, "flagged": 0, UNREADABLE: 0}
    tag_key, tagging = hook.policy.tag_key, hook.policy.action == "tag"
    for path in (keep, rejected, summary_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(keep, binary=True) as keep_fh, atomic_writer(rejected, binary=True) as rej_fh, \
            _progress(progress) as bar:
        for chunk, decisions in _decided(hook, _chunks(items, batch_size), engine, address, workers):
            records = [item for item in chunk if item.__class__ is Record]
            account.update([r.text for r in records], decisions)
            i = 0
            for item in chunk:  # input order, unreadable records included, so every engine writes the same
                if item.__class__ is not Record:
                    counts[UNREADABLE] += 1
                    rej_fh.write(orjson.dumps({**item.as_dict(), REASON_KEY: f"{UNREADABLE}: {item.reason}"})
                                 + b"\n")
                    continue
                obj = dict(item.fields) if item.fields is not None else {"id": item.id, "text": item.text}
                if tagging:
                    obj[tag_key] = decisions.tags(i)
                if decisions.keep[i]:
                    keep_fh.write(orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n")
                else:
                    obj[REASON_KEY] = decisions.reasons[i]
                    obj.setdefault(tag_key, decisions.tags(i))
                    rej_fh.write(orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n")
                i += 1
            n_flagged = int(decisions.flagged.sum())
            counts["flagged"] += n_flagged
            counts["kept"] += int(decisions.keep.sum())
            counts["dropped"] += len(records) - int(decisions.keep.sum())
            bar.update(len(chunk))
    counts["rejected"] = counts["dropped"] + counts[UNREADABLE]
    counts["read"] = counts["kept"] + counts["rejected"]
    result = json_ready({
        "counts": counts, "engine": engine, "outputs": {"keep": str(keep), "rejected": str(rejected)},
        "inputs": stats.as_dict()["sources"], **hook.info(), "filtered_out": account.finish(),
        "settings": {"format": format, "text_field": text_field, "id_field": id_field, "batch_size": batch_size,
                     "max_record_bytes": max_record_bytes},
        "identity_collector": account.info(), "versions": _versions(),
    })
    with atomic_writer(summary_path, binary=True) as fh:
        fh.write(dumps_json(result) + b"\n")
    write_text(summary_path.with_suffix(".md"), render_summary_markdown(result))
    return FilterResult(result, keep, rejected, summary_path)


def render_summary_markdown(summary: dict[str, Any]) -> str:
    c = summary["counts"]
    head = ["# biasaudit filter summary", "",
            (f"Policy `{summary['policy']['source']}` ({summary['policy']['action']}: "
            f"{', '.join('`' + r + '`' for r in summary['policy']['rules'])}), engine {summary['engine']}."), "",
            (f"Read {c['read']:,} records: {c['kept']:,} kept, {c['rejected']:,} rejected "
            f"({c['dropped']:,} by the policy, {c[UNREADABLE]:,} unreadable); {c['flagged']:,} flagged."), ""]
    return "\n".join(head) + "\n" + render_markdown(summary["filtered_out"])


def _chunks(items: Iterator[Record | Rejected], size: int) -> Iterator[list[Record | Rejected]]:
    """Input items in order, cut after every ``size`` readable records."""
    chunk: list[Record | Rejected] = []
    n = 0
    for item in items:
        chunk.append(item)
        n += item.__class__ is Record
        if n >= size:
            yield chunk
            chunk, n = [], 0
    if chunk:
        yield chunk


def _texts(chunk: list[Record | Rejected]) -> list[str]:
    return [item.text for item in chunk if item.__class__ is Record]


def _decided(hook: FilterHook, chunks: Iterator[list[Record | Rejected]], engine: str, address: str | None,
             workers: int) -> Iterator[tuple[list[Record | Rejected], Decisions]]:
    if engine == "local":
        for chunk in chunks:
            yield chunk, hook.score_and_decide(_texts(chunk))
        return
    from biasaudit.engines.ray_engine import score_windows

    options = {k: dict(v) for k, v in hook.policy.analyzer_options.items()}
    for chunk, cols in score_windows(list(hook.policy.analyzers), options, chunks, _texts, workers=workers,
                                     address=address):
        yield chunk, hook.decide(cols) if cols else hook.score_and_decide([])


def _versions() -> dict[str, Any]:
    import platform

    from biasaudit import __version__
    from biasaudit.report.build import _package_versions

    return {"biasaudit": __version__, "python": platform.python_version(), "packages": _package_versions()}


def _progress(enabled: bool | None):
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(disable=not enabled, unit=" rec", desc="filtering", file=sys.stderr, dynamic_ncols=True)
