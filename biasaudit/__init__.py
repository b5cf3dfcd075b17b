"""biasaudit: audit text data for social bias (linguistic bias, hate/offensive language, associations).

Public API: ``analyze`` (texts -> DataFrame), ``scan`` (corpus files -> records + report), and the
``Analyzer``/``Column`` classes for writing analyzers of your own.
"""
from __future__ import annotations

__version__ = "0.1.0"

import os as _os

# Arrow buffers from the C allocator: Arrow's default mimalloc pool kept what a scan's batch conversions,
# checkpoints and records.parquet assembly had freed (~35 MB more peak RSS at 100k chat records, though the scan
# holds a few MB of Arrow data at once). It only takes effect before pyarrow is first imported (pandas imports
# it); a pool the user chose is kept.
_os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

from biasaudit.compiled import install as _install_compiled

_install_compiled()  # before anything below imports a module that has a compiled build

from biasaudit.analyzers.base import Analyzer, AnalyzerInfo, Column
from biasaudit.analyzers.registry import available as available_analyzers
from biasaudit.analyzers.registry import register_analyzer
from biasaudit.core import analyze
from biasaudit.errors import BiasauditError, InputError, UsageError


def scan(source, analyzers=None, out=None, **options):
    """Read corpus file(s), score every record, build the report; see ``biasaudit.scanner.scan``."""
    from biasaudit.scanner import scan as _scan

    return _scan(source, analyzers=analyzers, out=out, **options)


__all__ = [
    "Analyzer",
    "AnalyzerInfo",
    "BiasauditError",
    "Column",
    "InputError",
    "UsageError",
    "__version__",
    "analyze",
    "available_analyzers",
    "register_analyzer",
    "scan",
]
