"""Scoring with the default analyzers imports neither ``requests`` (vaderSentiment's demo needs it) nor
``scipy.sparse`` (only the hate model's slow path builds matrices): together ~0.1 s of every scan (issue 11).
A whole scan also skips matplotlib (the report draws SVG) and scipy.special (the t quantiles of the self-audit
come from a table): ~0.5 s more, and NLTK (the hate model stems with biasaudit.text.porter). Checked in a fresh interpreter, since this test process has imported them all.
"""
from __future__ import annotations

import json
import subprocess
import sys

_SCRIPT = """
import json, sys
from biasaudit.analyzers.registry import build_many
from biasaudit.core import run_batch
cols = run_batch(build_many(None), ["I think it is probably fine.", "What a great day!"])
loaded = sorted(m for m in ("requests", "scipy.sparse") if m in sys.modules)
import requests  # the real package afterwards, not the stand-in used while vaderSentiment loaded
print(json.dumps({"loaded": loaded, "real_requests": hasattr(requests, "get"), "columns": sorted(cols)}))
"""


def test_default_scoring_skips_requests_and_scipy_sparse():
    out = subprocess.run([sys.executable, "-c", _SCRIPT], check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["loaded"] == []
    assert result["real_requests"]
    assert {"vader_compound", "bias_score", "p_hate"} <= set(result["columns"])


_SCAN = """
import json, sys, tempfile, biasaudit
with tempfile.TemporaryDirectory() as out:
    report = biasaudit.scan(sys.argv[1], out=out, dialogue=True, progress=False).report
heavy = ("matplotlib", "scipy.special", "scipy.sparse", "scipy.stats", "requests", "sklearn", "torch", "nltk")
print(json.dumps({"loaded": sorted(m for m in heavy if m in sys.modules),
                  "self_audit": "hate_self_audit" in report["sections"]}))
"""


def test_a_default_scan_with_its_report_skips_matplotlib_and_scipy():
    from biasaudit.io import example_path

    out = subprocess.run([sys.executable, "-c", _SCAN, str(example_path())], check=True, capture_output=True,
                         text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"loaded": [], "self_audit": True}
