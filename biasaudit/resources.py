"""Locate shipped data (lexicons, models, examples) and fingerprint it for the report.

The repository keeps lexicons/ at the top level; the wheel installs it as ``biasaudit/lexicons``. Both work.
"""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def lexicons_dir() -> Path:
    """The lexicons folder: inside the installed package, else the source checkout's top-level one."""
    for candidate in (_PACKAGE_DIR / "lexicons", _PACKAGE_DIR.parent / "lexicons"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("biasaudit's lexicons folder is missing: reinstall the package")


def lexicon_path(*parts: str) -> Path:
    """Path of a shipped lexicon file, e.g. ``lexicon_path("hutto2015", "ref_hedge_words")``."""
    path = lexicons_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"shipped lexicon {'/'.join(parts)!r} not found at {path}")
    return path


def package_data_path(*parts: str) -> Path:
    """Path of a data file shipped inside the package (models, examples)."""
    return _PACKAGE_DIR.joinpath(*parts)


def yaml_files(path: str | Path, what: str) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files of a user-editable lexicon folder (sorted), or the one file given."""
    from biasaudit.errors import InputError

    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    elif path.is_file():
        files = [path]
    else:
        raise InputError(f"{what} lexicon not found; expected a folder of *.yaml files or one file", file=str(path))
    if not files:
        raise InputError(f"no *.yaml {what} files in this folder", file=str(path))
    return files


def load_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, parsed by libyaml when PyYAML has it: the same objects (PyYAML's own safe
    constructor builds them) about 10x faster; the lexicons and policy a scan loads took ~0.1 s otherwise."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes (cached: shipped files do not change while running)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_tree(path: str | Path) -> str:
    """One sha256 over every file below ``path`` (relative names and contents), for a lexicon folder."""
    root = Path(path)
    if root.is_file():
        return sha256_file(root)
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(bytes.fromhex(sha256_file(f)))
    return h.hexdigest()
