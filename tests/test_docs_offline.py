"""The documentation site renders its math without a network: MathJax is served with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_no_script_or_style_comes_from_another_site() -> None:
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!", "#"))
    assets = config.get("extra_javascript", []) + config.get("extra_css", [])
    assert assets and not [a for a in assets if "://" in str(a)]
    assert "docs/mathjax_hook.py" in config["hooks"]


def test_the_hook_puts_mathjax_into_a_built_site(tmp_path: Path) -> None:
    """A tiny site built with the hook (and nothing else of ours) contains the renderer."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("mathjax")  # the docs extra: django-static-mathjax
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Math\n\n$$E = mc^2$$\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\n"
        f"hooks: [{(ROOT / 'docs' / 'mathjax_hook.py').as_posix()}]\n"
        "extra_javascript: [javascripts/mathjax/tex-svg.js]\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    served = tmp_path / "site" / "javascripts" / "mathjax" / "tex-svg.js"
    assert served.stat().st_size > 1_000_000
    assert "typesetPromise" in served.read_text(encoding="utf-8", errors="replace")
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'src="javascripts/mathjax/tex-svg.js"' in page  # from the site, not a CDN
