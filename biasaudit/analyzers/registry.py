"""Find analyzers by name: built-ins plus any registered under the ``biasaudit.analyzers`` entry point.

A spec string is ``name`` or ``name:variant``; this module parses specs and builds instances, nothing more.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from biasaudit.analyzers.base import Analyzer
from biasaudit.errors import UsageError

ENTRY_POINT_GROUP = "biasaudit.analyzers"

#: Built-in analyzers, imported lazily so that ``import biasaudit`` stays fast.
BUILTIN: dict[str, str] = {
    "sentiment": "biasaudit.analyzers.sentiment:SentimentAnalyzer",
    "linguistic_bias": "biasaudit.analyzers.linguistic_bias:LinguisticBiasAnalyzer",
    "hate": "biasaudit.analyzers.hate:HateAnalyzer",
}

#: What ``analyze``/``scan`` run when the caller names no analyzer (those that are installed).
DEFAULT_SPECS: tuple[str, ...] = ("sentiment", "linguistic_bias", "hate")

_registered: dict[str, type[Analyzer]] = {}


def register_analyzer(cls: type[Analyzer]) -> type[Analyzer]:
    """Register an analyzer class under ``cls.name`` (usable as a class decorator)."""
    if not (isinstance(cls, type) and issubclass(cls, Analyzer)):
        raise TypeError(f"{cls!r} is not an Analyzer subclass")
    _registered[cls.name] = cls
    return cls


@lru_cache(maxsize=1)
def _entry_points() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _builtin_usable(name: str) -> bool:
    """Whether the built-in ``name`` imports here (its optional dependencies installed)."""
    try:
        import_module(BUILTIN[name].split(":")[0])
    except ImportError:
        return False
    return True


def available() -> list[str]:
    """Names of every analyzer that can be built here (built-in, registered, or via entry points)."""
    names = set(_registered) | set(_entry_points())
    names.update(name for name in BUILTIN if _builtin_usable(name))
    return sorted(names)


def _default_specs() -> list[str]:
    """The defaults that can be built here. Each is registered or built in, and ``analyzer_class`` never looks
    such a name up among entry points, so listing every installed distribution's (~15 ms) is not needed."""
    return [s for s in DEFAULT_SPECS if s in _registered or (s in BUILTIN and _builtin_usable(s))]


def analyzer_class(name: str) -> type[Analyzer]:
    """The class registered under ``name``; a ``UsageError`` listing the choices when there is none."""
    if name in _registered:
        return _registered[name]
    target = BUILTIN.get(name)
    if target is not None:
        module, attr = target.split(":")
        return getattr(import_module(module), attr)
    ep = _entry_points().get(name)
    if ep is not None:
        return ep.load()
    raise UsageError(f"unknown analyzer {name!r}; available: {', '.join(available())}")


def parse_spec(spec: str) -> tuple[str, str | None]:
    """Split ``name[:variant]``; reject empty parts."""
    name, _, variant = spec.strip().partition(":")
    if not name or (":" in spec and not variant):
        raise UsageError(f"bad analyzer spec {spec!r}: expected 'name' or 'name:variant'")
    return name, variant or None


def build(spec: str | Analyzer, **options: Any) -> Analyzer:
    """Build one analyzer from a spec string (or pass an instance through)."""
    if isinstance(spec, Analyzer):
        return spec
    name, variant = parse_spec(spec)
    return analyzer_class(name)(variant=variant, **options)


def build_many(specs: str | Iterable[str | Analyzer] | None,
               options: dict[str, dict[str, Any]] | None = None) -> list[Analyzer]:
    """Build analyzers from ``"a,b:variant"`` or a list; ``None`` means the installed defaults.

    ``options`` maps an analyzer name to keyword options for its constructor; a key ``name:variant`` adds
    options for that variant only (so two variants of one analyzer can run side by side, e.g. with different
    column suffixes).
    """
    options = options or {}
    if specs is None:
        specs = _default_specs()
    elif isinstance(specs, str):
        specs = [s for s in specs.split(",") if s.strip()]
    built = [build(s, **_options_for(s, options)) for s in specs]
    if not built:
        raise UsageError("no analyzer selected")
    seen: dict[str, str] = {}
    for a in built:
        for col in a.columns:
            if col.name in seen:
                raise UsageError(f"analyzers {seen[col.name]!r} and {a.spec!r} both produce column {col.name!r}")
            seen[col.name] = a.spec
    return built


def _options_for(spec: str | Analyzer, options: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if not isinstance(spec, str):
        return {}
    name, variant = parse_spec(spec)
    merged = dict(options.get(name, {}))
    if variant is not None:
        merged.update(options.get(f"{name}:{variant}", {}))
    return merged
