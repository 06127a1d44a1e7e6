"""The shared print stylesheet and button: A4, header rows on every page, no inline script."""

from pathlib import Path

from django.conf import settings

STATIC = Path(settings.BASE_DIR) / "static"


def test_the_stylesheet_prints_on_a4_and_repeats_table_headers():
    css = (STATIC / "css" / "print.css").read_text()
    assert "@page { size: A4; margin: 15mm; }" in css
    assert "thead { display: table-header-group; }" in css
    assert "nav.navbar, footer, footer.d-flex, .no-print" in css


def test_the_print_button_script_calls_window_print():
    assert "window.print()" in (STATIC / "js" / "print.js").read_text()
