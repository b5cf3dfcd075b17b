"""Analyzer registry: spec parsing, built-ins, third-party analyzers found through entry points."""
import sys
import textwrap
from importlib.metadata import EntryPoint

import pytest

from biasaudit.analyzers import registry
from biasaudit.analyzers.base import Analyzer
from biasaudit.errors import UsageError


def test_parse_spec():
    assert registry.parse_spec("hate") == ("hate", None)
    assert registry.parse_spec(" linguistic_bias:henderson2018 ") == ("linguistic_bias", "henderson2018")
    for bad in ("", ":x", "hate:"):
        with pytest.raises(UsageError, match="bad analyzer spec"):
            registry.parse_spec(bad)


def test_build_builtin_and_variant_errors():
    a = registry.build("sentiment")
    assert a.spec == "sentiment:vader" and a.columns[0].name == "vader_compound"
    with pytest.raises(UsageError, match="no variant 'nope'.*vader"):
        registry.build("sentiment:nope")
    with pytest.raises(UsageError, match="unknown options: colour"):
        registry.build("sentiment", colour="red")
    with pytest.raises(UsageError, match="unknown analyzer 'nothing'; available: .*sentiment"):
        registry.build("nothing")


def test_duplicate_columns_are_refused():
    with pytest.raises(UsageError, match="both produce column 'vader_compound'"):
        registry.build_many("sentiment,sentiment")


def test_third_party_analyzer_via_entry_point(tmp_path, monkeypatch):
    (tmp_path / "plugin_pkg.py").write_text(textwrap.dedent('''
        from biasaudit.analyzers.base import Analyzer, Column

        class ShoutAnalyzer(Analyzer):
            name = "shout"
            version = "1"

            @property
            def columns(self):
                return (Column("upper_share", "score", "share of upper-case letters"),)

            def analyze_batch(self, batch):
                return {"upper_share": [sum(c.isupper() for c in t) / max(1, sum(c.isalpha() for c in t))
                                        for t in batch.texts]}
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    ep = EntryPoint(name="shout", value="plugin_pkg:ShoutAnalyzer", group=registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "_entry_points", lambda: {"shout": ep})
    assert "shout" in registry.available()
    import biasaudit

    df = biasaudit.analyze(["ABC def", "quiet"], analyzers="shout")
    assert df["upper_share"].tolist() == [0.5, 0.0]
    sys.modules.pop("plugin_pkg", None)


def test_register_analyzer_rejects_non_analyzers():
    with pytest.raises(TypeError):
        registry.register_analyzer(object)
    assert issubclass(registry.analyzer_class("sentiment"), Analyzer)


def test_installed_entry_points_match_builtins():
    """pyproject's entry points and the BUILTIN map name the same classes (the package is installed)."""
    from importlib.metadata import entry_points

    eps = {ep.name: ep.value for ep in entry_points(group=registry.ENTRY_POINT_GROUP)}
    for name, target in registry.BUILTIN.items():
        assert eps.get(name) == target, f"entry point for {name!r} missing or different in pyproject.toml"


def test_defaults_are_built_without_listing_entry_points(monkeypatch):
    """The defaults are built-ins: building them must not scan every installed distribution's entry points,
    and a built-in whose module cannot be imported is left out of the defaults (not an ImportError)."""
    def no_scan():
        raise AssertionError("entry points listed")

    monkeypatch.setattr(registry, "_entry_points", no_scan)
    assert [a.name for a in registry.build_many(None)] == list(registry.DEFAULT_SPECS)
    monkeypatch.setitem(registry.BUILTIN, "sentiment", "biasaudit_no_such_module:Missing")
    assert [a.name for a in registry.build_many(None)] == ["linguistic_bias", "hate"]
