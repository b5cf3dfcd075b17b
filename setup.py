"""Package discovery and the optional compiled speedups (metadata lives in pyproject.toml).

Why a setup.py: the top-level lexicons/ folder (with sub-folders) must install as ``biasaudit/lexicons``, and
data-only folders (lexicons, models, examples) must ship every file; pyproject's static tables cannot say that
without listing each folder by hand.

Compiled speedups: Cython compiles the hot pure-Python modules in ``COMPILED``, unchanged, into extension modules
under ``biasaudit/_compiled/`` (never beside their .py, where a stale build would shadow an edited source) and
records each source's sha256 (with its augmenting .pxd of C types, if any) in ``biasaudit/_compiled/manifest.json``; ``biasaudit/compiled.py`` serves a
compiled module under its original name only while its .py still has that hash. The extensions are optional:
without Cython or a C compiler the install is pure Python, with the same results.
"""
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path

from setuptools import Extension, find_namespace_packages, setup
from setuptools.command.build_ext import build_ext

#: The hot paths of the default analyzers (cProfile of ``biasaudit.scan``), compiled as they are.
COMPILED = (
    "biasaudit/text/fast_vader.py",
    "biasaudit/text/tokenize.py",
    "biasaudit/text/lexicon.py",
    "biasaudit/text/porter.py",
    "biasaudit/text/pattern_en/tagger.py",
    "biasaudit/text/pattern_en/brill.py",
    "biasaudit/text/pattern_en/tokenizer.py",
    "biasaudit/text/pattern_en/sentence.py",
    "biasaudit/text/pattern_en/epistemic.py",
    "biasaudit/text/pattern_en/lemmatizer.py",
    "biasaudit/analyzers/hate_fast.py",
    "biasaudit/analyzers/hate_features.py",
    "biasaudit/analyzers/hate_kernel.py",
)
COMPILED_PACKAGE = "biasaudit._compiled"
CYTHON_DIR = "build/cython"  # the generated C (setuptools compiles it as the extensions' sources)
# Every value stays a Python object, so the compiled code does exactly what the interpreter does (annotations are
# not read as C types); Cython only removes the interpreter's dispatch overhead. C types come only from a module's
# augmenting .pxd (fast_vader.pxd), compiled without floating-point contraction (BuildCompiled.run).
DIRECTIVES = {"language_level": 3, "annotation_typing": False, "infer_types": False, "binding": True}


def _source_digest() -> Callable[[Path], str]:
    """``biasaudit.compiled.source_digest`` (the .py and its augmenting .pxd), loaded without the package."""
    spec = importlib.util.spec_from_file_location("_biasaudit_compiled", "biasaudit/compiled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.source_digest


def _original(name: str) -> str:
    return "biasaudit" + name.removeprefix(COMPILED_PACKAGE)


class BuildCompiled(build_ext):
    """Cythonize ``COMPILED`` under their own module names into the C the extensions build from; record hashes."""

    def run(self) -> None:
        try:
            from Cython import __version__ as cython_version
            from Cython.Build import cythonize
        except ImportError:
            print("biasaudit: Cython is not installed; installing pure Python (same results, slower)")
            return
        sources = {ext.name: _original(ext.name).replace(".", "/") + ".py" for ext in self.extensions}
        digest = _source_digest()
        hashes = {name: digest(Path(path)) for name, path in sources.items()}
        try:
            # Compiled under the original module name: functions, classes and NamedTuples keep their __module__,
            # so pickles (scan --workers, Ray) name the module that the loader then serves.
            cythonize([Extension(_original(name), [path]) for name, path in sources.items()], build_dir=CYTHON_DIR,
                      compiler_directives=DIRECTIVES, force=True, quiet=True, nthreads=os.cpu_count() or 1)
        except Exception as err:  # noqa: BLE001 (any Cython failure: install pure Python, as without Cython)
            print(f"biasaudit: Cython failed ({err}); installing pure Python (same results, slower)")
            return
        build_py = self.get_finalized_command("build_py")
        if self.inplace:  # setuptools copies into the source tree but does not create the folders
            for ext in self.extensions:
                self.mkpath(build_py.get_package_dir(ext.name.rpartition(".")[0]))
        self.parallel = self.parallel or os.cpu_count()
        if self.compiler is None or getattr(self.compiler, "compiler_type", "unix") == "unix":
            for ext in self.extensions:  # C doubles round as Python floats only without fused multiply-add
                ext.extra_compile_args = [*ext.extra_compile_args, "-ffp-contract=off"]
        super().run()
        modules = {}
        for ext in self.extensions:
            filename = Path(self.get_ext_filename(ext.name))
            if Path(self.build_lib, filename).exists():  # optional: a failed build leaves it pure Python
                modules[_original(ext.name)] = {"file": filename.relative_to(*COMPILED_PACKAGE.split(".")).as_posix(),
                                                "sha256": hashes[ext.name]}
        manifest = json.dumps({"cython": cython_version, "modules": modules}, indent=1, sort_keys=True) + "\n"
        folders = [Path(self.build_lib, *COMPILED_PACKAGE.split("."))]
        if self.inplace:
            folders.append(Path(build_py.get_package_dir(COMPILED_PACKAGE)))
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "manifest.json").write_text(manifest)


EXCLUDE = ["*.__pycache__", "*.__pycache__.*", f"{COMPILED_PACKAGE}", f"{COMPILED_PACKAGE}.*"]
packages = find_namespace_packages(include=["biasaudit", "biasaudit.*"], exclude=EXCLUDE)
lexicons = ["biasaudit.lexicons"] + [f"biasaudit.lexicons.{p}"
                                     for p in find_namespace_packages(where="lexicons", exclude=EXCLUDE)]
setup(
    packages=packages + lexicons,
    package_dir={"biasaudit": "biasaudit", "biasaudit.lexicons": "lexicons"},
    package_data={"": ["*"]},
    exclude_package_data={"": ["*.pyc"]},
    ext_modules=[Extension(COMPILED_PACKAGE + path[:-3].replace("/", ".").removeprefix("biasaudit"),
                           [f"{CYTHON_DIR}/{path[:-3]}.c"], optional=True) for path in COMPILED],
    cmdclass={"build_ext": BuildCompiled},
)
