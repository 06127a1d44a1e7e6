"""Every template keeps to the Content-Security-Policy (config/security.py): no inline
script, event handler or style, so that a new page cannot break it unnoticed."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted(
    path
    for path in ROOT.glob("**/templates/**/*.html")
    if ".venv" not in path.parts and "staticfiles" not in path.parts
)
INLINE = {
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style[\s>]", re.I),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    # htmx's hx-on runs its text as script (eval), which the policy refuses.
    "an hx-on handler": re.compile(r"\shx-on", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
    # A script without src that is not a JSON data block (json_script writes those).
    "an inline script": re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*application/json)[^>]*>", re.I),
}


def test_the_templates_are_found():
    assert len(TEMPLATES) > 50
    assert ROOT / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_handler_or_style(path):
    text = path.read_text()
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{path.relative_to(ROOT)} has {', '.join(found)}"
