"""MkDocs hook: serve MathJax with the site, so its math renders without a network.

MathJax 3's ``tex-svg.js`` (one file: the SVG output carries its own glyphs, no font files)
comes from the ``django-static-mathjax`` wheel, a plain copy of MathJax's release files (the
``docs`` extra installs it; Django itself is not needed). The hook adds it to the built site as
``javascripts/mathjax/tex-svg.js``, which ``mkdocs.yml`` loads after ``javascripts/mathjax.js``.
"""

from __future__ import annotations

from importlib import resources

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

SITE_PATH = "javascripts/mathjax/tex-svg.js"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    try:
        source = resources.files("mathjax") / "static" / "mathjax" / "es5" / "tex-svg.js"
    except ModuleNotFoundError:
        source = None
    if source is None or not source.is_file():
        raise PluginError(
            "MathJax is not installed, so the site's math would not render offline; install "
            "the docs extra: python -m pip install '.[docs]' (django-static-mathjax)"
        )
    files.append(File.generated(config, SITE_PATH, abs_src_path=str(source)))
    return files
