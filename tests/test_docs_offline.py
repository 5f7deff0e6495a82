"""The documentation site renders its math without a network: MathJax is served with it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_no_script_or_style_comes_from_another_site() -> None:
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!", "#"))
    assets = config.get("extra_javascript", []) + config.get("extra_css", [])
    assert assets and not [a for a in assets if "://" in str(a)]
    assert "docs/mathjax_hook.py" in config["hooks"]


def test_the_hook_adds_mathjax_to_the_site() -> None:
    pytest.importorskip("mkdocs")
    pytest.importorskip("mathjax")  # the docs extra: django-static-mathjax
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    spec = importlib.util.spec_from_file_location("mathjax_hook", ROOT / "docs" / "mathjax_hook.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    config = load_config(str(ROOT / "mkdocs.yml"))
    files = hook.on_files(Files([]), config)
    (added,) = list(files)
    assert added.src_uri == "javascripts/mathjax/tex-svg.js"
    source = Path(added.abs_src_path).read_text(encoding="utf-8", errors="replace")
    assert len(source) > 1_000_000 and "MathJax" in source[:5000]
    assert "javascripts/mathjax/tex-svg.js" in config["extra_javascript"][-1].path
