"""Serve the Cython-compiled builds of the hot modules, but only builds of the sources as they are now.

setup.py compiles the modules it lists, unchanged, into ``biasaudit/_compiled/`` (under their original module
names, beside nothing they could shadow) and records each source's sha256 in ``_compiled/manifest.json``. The
import hook installed here (by ``biasaudit/__init__.py``) loads a compiled module in place of its .py only while
that .py still has the recorded hash: an edited source runs as written, in pure Python, until the next build.
It says nothing when it falls back, since results are the same either way; ``status()`` tells which modules are
compiled and why not. ``BIASAUDIT_PURE_PYTHON=1`` turns the compiled modules off.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, ModuleSpec
from importlib.util import spec_from_file_location
from pathlib import Path
from typing import Any

PURE_PYTHON_ENV = "BIASAUDIT_PURE_PYTHON"
_PACKAGE = Path(__file__).resolve().parent
_FOLDER = _PACKAGE / "_compiled"


def source_digest(source: Path) -> str:
    """sha256 of a compiled module's source: its .py and, when there is one, the augmenting .pxd beside it (C
    types for the compiled build only), so that editing either one retires the build."""
    digest = hashlib.sha256(source.read_bytes())
    pxd = source.with_suffix(".pxd")
    if pxd.is_file():
        digest.update(b"\0pxd\0" + pxd.read_bytes())
    return digest.hexdigest()


def _disabled() -> bool:
    return os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0")


class CompiledFinder:
    """A meta path finder for the manifest's modules; every other import goes its normal way."""

    def __init__(self, manifest: dict[str, Any], package: Path = _PACKAGE) -> None:
        self.cython = manifest.get("cython")
        self.modules: dict[str, dict[str, str]] = manifest.get("modules", {})
        self.package = package
        self.served: list[str] = []

    def why_not(self, name: str) -> str | None:
        """None if ``name`` can be served compiled, else the reason it runs as pure Python."""
        entry = self.modules.get(name)
        if entry is None:
            return "not built"
        compiled = self.package / "_compiled" / entry["file"]
        if not compiled.name.endswith(EXTENSION_SUFFIXES[0]) or not compiled.is_file():
            return "built for another Python"
        source = self.package.joinpath(*name.split(".")[1:]).with_suffix(".py")
        if not source.is_file() or source_digest(source) != entry["sha256"]:
            return "source changed since the build"
        return None

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name not in self.modules or self.why_not(name) is not None:
            return None
        compiled = str(self.package / "_compiled" / self.modules[name]["file"])
        self.served.append(name)
        return spec_from_file_location(name, compiled, loader=ExtensionFileLoader(name, compiled))


def _finder() -> CompiledFinder | None:
    return next((f for f in sys.meta_path if isinstance(f, CompiledFinder)), None)


def install() -> None:
    """Put the compiled modules' finder first on ``sys.meta_path`` (once), unless disabled or nothing was built."""
    if _disabled() or _finder() is not None:
        return
    try:
        manifest = json.loads((_FOLDER / "manifest.json").read_text())
    except (OSError, ValueError):
        return
    sys.meta_path.insert(0, CompiledFinder(manifest))


def in_use() -> dict[str, Any]:
    """The compiled modules imported so far, with the Cython version: the report's reproducibility record."""
    finder = _finder()
    modules = sorted(name for name in (finder.served if finder else ())
                     if getattr(sys.modules.get(name), "__file__", "").startswith(str(_FOLDER)))
    return {"cython": finder.cython if modules else None, "modules": modules}


def status() -> dict[str, str]:
    """Each module setup.py compiles: "compiled", or the reason it runs as pure Python."""
    if _disabled():
        return {"*": f"pure Python ({PURE_PYTHON_ENV} is set)"}
    finder = _finder()
    if finder is None or not finder.modules:
        return {"*": "pure Python (nothing was compiled: no Cython or C compiler at install)"}
    return {name: f"pure Python ({reason})" if (reason := finder.why_not(name)) else "compiled"
            for name in sorted(finder.modules)}
