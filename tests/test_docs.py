"""Every ```python block in docs/*.md runs, so the documentation cannot drift from the code.

The blocks of one page run in order in one namespace (a later block may use an earlier
one's names), in a temporary working directory. A block right after a line
``<!-- skip -->`` (blank lines between allowed) is not run: for examples that need
something CI lacks, such as Graphviz's ``dot``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", flags=re.S | re.M)
_SKIP = re.compile(r"<!--\s*skip\s*-->\s*\Z")


def python_blocks(text: str) -> list[tuple[int, str]]:
    """``(first line number, code)`` of each ```python block not marked ``<!-- skip -->``."""
    blocks = []
    for match in _FENCE.finditer(text):
        if _SKIP.search(text[: match.start()]):
            continue
        first_line = text.count("\n", 0, match.start(1)) + 1
        blocks.append((first_line, match.group(1)))
    return blocks


def test_skip_marker_and_line_numbers() -> None:
    text = (
        "# t\n```python\na = 1\n```\n<!-- skip -->\n\n"
        "```python\nb = 2\n```\n```python\nc = 3\n```\n"
    )
    assert python_blocks(text) == [(3, "a = 1\n"), (11, "c = 3\n")]


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")  # pages that plot must not open windows
    namespace: dict[str, object] = {"__name__": f"docs.{page.stem}"}
    for first_line, code in python_blocks(page.read_text(encoding="utf-8")):
        padded = "\n" * (first_line - 1) + code  # tracebacks point at the page's own lines
        exec(compile(padded, str(page), "exec"), namespace)
