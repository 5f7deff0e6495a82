// MathJax for pymdownx.arithmatex (generic mode): $…$ inline, $$…$$ displayed.
window.MathJax = {
  tex: {inlineMath: [["\\(", "\\)"]], displayMath: [["\\[", "\\]"]], processEscapes: true},
  options: {ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex"},
};
document$.subscribe(() => MathJax.typesetPromise());
