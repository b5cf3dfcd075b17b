"""The README's set-up commands are the ones CI runs, and the example it promises is shipped."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bash_blocks(text):
    return re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up: two commands", 1)[1].split("\n## ", 1)[0]
    commands = [b.strip() for b in _bash_blocks(setup)]
    assert len(commands) == 2, "the README must state exactly two set-up commands"
    assert "biasaudit scan --example" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines(), ".ci/run must run the README's test command verbatim"


def test_example_corpus_is_shipped_with_provenance():
    from biasaudit.io import example_path

    path = example_path()
    assert path.is_file() and path.stat().st_size > 1000
    assert (path.parent / "README.md").is_file()
