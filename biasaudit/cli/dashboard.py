"""``biasaudit dashboard``: start the Streamlit dashboard on localhost over the given scan directories.

Thin: builds the ``streamlit run`` command for the packaged app script and runs it; the app checks the scans.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("dashboard", help="browse scans in a local web dashboard (Streamlit)",
                       description="Start the audit dashboard on http://HOST:PORT over SCAN_DIR(s) written by "
                                   "'biasaudit scan --out DIR' (needs the dashboard extra: "
                                   "pip install 'biasaudit[dashboard]').")
    p.add_argument("scans", nargs="*", metavar="SCAN_DIR", help="scan directory, or LABEL=DIR")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.add_argument("--max-upload-mb", type=int, default=200, help="largest corpus upload on the Scan page")
    p.set_defaults(func=run)


def streamlit_command(args) -> list[str]:
    from biasaudit.dashboard import APP_SCRIPT

    scans = []
    for spec in args.scans:
        label, sep, rest = spec.partition("=")
        scans.append(f"{label}={Path(rest).resolve()}" if sep and label and not Path(spec).exists()
                     else str(Path(spec).resolve()))
    return [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT), "--server.port", str(args.port),
            "--server.address", args.host, "--server.headless", "true" if args.headless else "false",
            "--server.maxUploadSize", str(args.max_upload_mb), "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal", "--", *scans]


def run(args) -> int:
    from biasaudit.errors import UsageError

    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise UsageError("the dashboard needs Streamlit: pip install 'biasaudit[dashboard]'") from None
    from biasaudit.dashboard.scan_page import MAX_UPLOAD_ENV

    env = {**os.environ, MAX_UPLOAD_ENV: str(args.max_upload_mb)}
    print(f"biasaudit dashboard on http://{args.host}:{args.port} (Ctrl-C stops it)", file=sys.stderr)
    try:
        return subprocess.call(streamlit_command(args), env=env)
    except KeyboardInterrupt:
        return 130
