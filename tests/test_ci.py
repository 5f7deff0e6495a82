"""CI (``.ci/run``) enforces the checks the configuration declares, and its pieces exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _commands() -> list[str]:
    """The commands of ``.ci/run``, continuation lines joined, comments dropped."""
    joined = CI.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip()[:1] not in ("", "#")]


def test_the_main_run_lints_formats_and_type_checks_before_the_tests() -> None:
    readme_line = next(c for c in _commands() if "torch==2.13.0" in c)
    steps = [step.strip() for step in readme_line.split("&&")]
    assert steps[1:] == ["ruff check .", "ruff format --check .", "mypy", "python -m pytest"]


def test_a_failure_in_the_main_run_stops_ci() -> None:
    # set -e ignores a failure inside an && list: the status must be checked by hand
    after = _commands()[_commands().index(next(c for c in _commands() if "mypy" in c)) + 1 :]
    assert after[:2] == ["status=$?", '[ "$status" -eq 0 ] || exit "$status"']


def test_the_minimal_install_has_only_the_test_extra_and_its_paths_exist() -> None:
    installs = [c for c in _commands() if c.startswith("python -m pip install")]
    assert installs[-1] == 'python -m pip install ".[test]"'
    subset = shlex.split(next(c for c in _commands() if c.startswith("python -m pytest -x")))
    paths = [arg for arg in subset[3:] if not arg.startswith("-")]
    assert len(paths) >= 4
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing, f"the minimal CI run names paths that do not exist: {missing}"


def test_the_checkers_ci_runs_are_pinned_in_the_test_extra() -> None:
    # (tomllib needs Python 3.11; the package supports 3.10)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    test_extra = re.search(r"^test = \[(.*)\]$", pyproject, flags=re.M)
    assert test_extra is not None
    assert re.search(r'"ruff==\d[^"]*"', test_extra.group(1))
    assert re.search(r'"mypy==\d[^"]*"', test_extra.group(1))
    assert re.search(r'^files = \["tinygrad4h03"\]$', pyproject, flags=re.M)


def test_contributing_lists_every_module_of_the_package() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    package = ROOT / "tinygrad4h03"
    wanted = {f"`{p.name}`" for p in package.rglob("*.py") if p.name != "__init__.py"}
    wanted |= {
        f"`{p.parent.relative_to(package).as_posix()}/`" for p in package.rglob("*/__init__.py")
    }
    missing = sorted(name for name in wanted if name not in text)
    assert not missing, f"CONTRIBUTING.md does not say where these are: {missing}"


def _unexplained_type_ignores(source: str) -> list[int]:
    """Lines with a ``# type: ignore`` that names no error code, or gives no reason: a comment
    after it on the line, or a comment line among the three above."""
    lines = source.splitlines()
    found = []
    for number, line in enumerate(lines):
        pragma = re.search(r"#\s*type:\s*ignore(\[[\w,\- ]+\])?(.*)", line)
        if pragma is None:
            continue
        above = [row.strip() for row in lines[max(0, number - 3) : number]]
        explained = "#" in pragma.group(2) or any(row.startswith("#") for row in above)
        if not (pragma.group(1) and explained):
            found.append(number + 1)
    return found


def test_every_type_ignore_in_the_package_names_its_code_and_says_why() -> None:
    unexplained = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "tinygrad4h03").rglob("*.py"))
        if (lines := _unexplained_type_ignores(path.read_text(encoding="utf-8")))
    }
    assert not unexplained, unexplained


def test_the_type_ignore_check_would_catch_a_bare_or_unexplained_one() -> None:
    assert _unexplained_type_ignores("x = f()  # type: ignore\n") == [1]
    assert _unexplained_type_ignores("x = f()  # type: ignore[misc]\n") == [1]
    assert _unexplained_type_ignores("x = f()  # type: ignore[misc]  # f is untyped\n") == []
    assert _unexplained_type_ignores("# f is untyped\nx = f()  # type: ignore[misc]\n") == []
