"""The Pico subset the pages link is what tools/subset_pico.py makes from today's templates."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("subset_pico", ROOT / "tools/subset_pico.py")
subset_pico = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subset_pico)


def test_the_committed_pico_subset_has_every_rule_make_css_keeps_for_the_templates():
    """A template that starts using more of Pico needs `make css`, or its styles are missing."""
    committed = subset_pico.rules_of(subset_pico.OUTPUT.read_text(encoding="utf-8"))
    missing = subset_pico.rules_of(subset_pico.build()) - committed
    assert not missing, (
        "static/vendor/pico/pico.rakor.css lacks rules the pages use: run `make css` and commit"
        f" it; for example {sorted(missing)[:3]}"
    )


def test_a_pico_class_a_template_starts_using_comes_into_the_subset():
    """Rules follow the markup: an unused component is left out until a page uses it."""
    pico = subset_pico.SOURCE.read_text(encoding="utf-8")
    page = ['<main class="container"><form><input type="email" aria-invalid="true"></form></main>']
    without = subset_pico.subset(pico, page)
    assert ".container{" in without and "[aria-invalid=true]" in without
    assert "dialog" not in without and "data-tooltip" not in without
    assert "prefers-color-scheme:dark" not in without and "[data-theme=dark]{" not in without
    assert "dialog{" in subset_pico.subset(
        pico, [*page, "<dialog open><article></article></dialog>"]
    )


def test_a_stale_subset_is_caught():
    """A rule the templates need but the committed file lacks fails the first test."""
    pico = subset_pico.SOURCE.read_text(encoding="utf-8")
    old = subset_pico.rules_of(subset_pico.subset(pico, ["<main></main>"]))
    new = subset_pico.rules_of(subset_pico.subset(pico, ["<main><progress></progress></main>"]))
    assert any(selector == "progress" for _context, selector, _declaration in new - old)


def test_the_subset_keeps_pico_licence_and_the_pages_link_it():
    css = subset_pico.OUTPUT.read_text(encoding="utf-8")
    assert "MIT" in css and (subset_pico.OUTPUT.parent / "LICENSE.md").exists()
    assert "vendor/pico/pico.rakor.css" in (ROOT / "templates/base.html").read_text()
    assert len(css.encode()) < 0.6 * subset_pico.SOURCE.stat().st_size
