"""The documentation site: it builds strictly, its pictures exist and are current.

(Every code block of the pages and every docstring example runs through Sybil, configured in
the root ``conftest.py``.)
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)", flags=re.S)


def load_pictures_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_pictures", DOCS / "pictures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def referenced_images() -> dict[Path, list[str]]:
    """Each image file the pages show, with the pages that show it."""
    found: dict[Path, list[str]] = {}
    for page in PAGES:
        for link in IMAGE_LINK.findall(page.read_text(encoding="utf-8")):
            found.setdefault((page.parent / link).resolve(), []).append(page.name)
    return found


def test_every_picture_shown_exists_and_every_picture_is_shown() -> None:
    shown = referenced_images()
    missing = [
        f"{path.relative_to(DOCS)} (in {pages})"
        for path, pages in shown.items()
        if not path.is_file()
    ]
    assert not missing, f"pages show pictures that do not exist: {missing}"
    pictures = {p.resolve() for p in (DOCS / "img").iterdir() if p.suffix in {".png", ".svg"}}
    assert pictures <= set(shown), f"pictures no page shows: {sorted(pictures - set(shown))}"
    assert len(pictures) >= 4  # two graphs, the digits, the performance ratios


def test_graph_pictures_are_what_the_code_draws_today(tmp_path: Path) -> None:
    """``docs/pictures.py graphs`` redraws the committed ``.dot`` files byte for byte, so a
    change to ``tg.viz`` or to the graph an operation records shows up here."""
    pictures = load_pictures_script()
    for path in pictures.draw_graphs(tmp_path):
        if path.suffix == ".dot":
            committed = DOCS / "img" / path.name
            assert committed.read_text() == path.read_text(), (
                f"docs/img/{path.name} is stale: run `python docs/pictures.py graphs`"
            )


def test_pictures_script_rejects_an_unknown_picture() -> None:
    pictures = load_pictures_script()
    with pytest.raises(SystemExit):
        pictures.main(["no-such-picture"])


def test_the_digits_picture_is_drawn_by_the_command(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    pictures = load_pictures_script()
    (png,) = pictures.draw_digits(tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_site_builds_strictly(tmp_path: Path) -> None:
    """``mkdocs build --strict``: no broken link or anchor, no page left out of the nav, no
    docstring the API reference cannot parse."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    pytest.importorskip("material")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    tensor_page = (site / "api" / "tensor" / "index.html").read_text(encoding="utf-8")
    assert "tinygrad4h03.tensor.Tensor.backward" in tensor_page  # the reference is generated
    # with its examples rendered as highlighted code (``Examples:``), not as quoted text
    assert '<span class="gp">&gt;&gt;&gt; </span>' in tensor_page
    for page in ("tutorial", "lecture", "engine", "compare", "testing", "saving"):
        assert (site / page / "index.html").is_file()
