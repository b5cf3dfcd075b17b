"""Package discovery only (metadata lives in pyproject.toml).

Why a setup.py: the top-level lexicons/ folder (with sub-folders) must install as ``biasaudit/lexicons``, and
data-only folders (lexicons, models, examples) must ship every file; pyproject's static tables cannot say that
without listing each folder by hand.
"""
from setuptools import find_namespace_packages, setup

EXCLUDE = ["*.__pycache__", "*.__pycache__.*"]
packages = find_namespace_packages(include=["biasaudit", "biasaudit.*"], exclude=EXCLUDE)
lexicons = ["biasaudit.lexicons"] + [f"biasaudit.lexicons.{p}"
                                     for p in find_namespace_packages(where="lexicons", exclude=EXCLUDE)]
setup(
    packages=packages + lexicons,
    package_dir={"biasaudit": "biasaudit", "biasaudit.lexicons": "lexicons"},
    package_data={"": ["*"]},
    exclude_package_data={"": ["*.pyc"]},
)
