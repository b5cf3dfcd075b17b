"""Thin entry for `streamlit run app/streamlit_app.py -- SCAN_DIR ...` from a checkout.

The dashboard itself lives in biasaudit/dashboard/ so it ships in the wheel; `biasaudit dashboard` runs that.
"""
import runpy

from biasaudit.dashboard import APP_SCRIPT

runpy.run_path(str(APP_SCRIPT), run_name="__main__")
