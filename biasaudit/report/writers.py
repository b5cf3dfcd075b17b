"""Write report files atomically: temporary file in the target directory, then rename.

An interrupted run leaves the previous complete file or none, never half a file. Rendering lives elsewhere.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_writer(path: str | Path, *, binary: bool = False, keep_empty: bool = True) -> Iterator[Any]:
    """Open a temporary sibling of ``path``; on success rename it over ``path``, on error delete it.

    ``keep_empty=False``: if nothing was written, remove ``path`` instead (no stale file from an earlier run).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the permissions a plain open() would
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if not keep_empty and os.path.getsize(tmp) == 0:
            os.unlink(tmp)
            path.unlink(missing_ok=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path) as fh:
        fh.write(text)


def dumps_json(obj: Any) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


def write_report_files(report: dict[str, Any], out_dir: str | Path) -> None:
    """report.json (source of truth), report.md and self-contained report.html."""
    from biasaudit.report.html import render_html
    from biasaudit.report.markdown import render_markdown

    out_dir = Path(out_dir)
    with atomic_writer(out_dir / "report.json", binary=True) as fh:
        fh.write(dumps_json(report) + b"\n")
    write_text(out_dir / "report.md", render_markdown(report))
    write_text(out_dir / "report.html", render_html(report))
