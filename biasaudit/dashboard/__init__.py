"""The Streamlit audit dashboard (``biasaudit dashboard``): a surface over scan directories.

It imports library code (report/, audits/, scanner) and is imported by nothing but the CLI. ``APP_SCRIPT`` is the
file ``streamlit run`` executes; it ships inside the package so a wheel install finds it.
"""
from pathlib import Path

APP_SCRIPT = Path(__file__).with_name("app.py")
