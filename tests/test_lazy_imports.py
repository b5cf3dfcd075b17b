"""Scoring with the default analyzers imports neither ``requests`` (vaderSentiment's demo needs it) nor
``scipy.sparse`` (only the hate model's slow path builds matrices): together ~0.1 s of every scan (issue 11).
Checked in a fresh interpreter, since this test process has imported both long ago."""
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
