"""List msgids that have no Chinese translation yet (run after `make i18n`)."""

import pathlib
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def untranslated():
    for po_path in sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")):
        if ".venv" in po_path.parts:
            continue
        po = polib.pofile(str(po_path))
        for entry in po:
            if entry.obsolete:
                continue
            if not entry.translated() or "fuzzy" in entry.flags:
                yield po_path.relative_to(ROOT), entry.msgid


if __name__ == "__main__":
    missing = list(untranslated())
    for path, msgid in missing:
        print(f"{path}: {msgid!r}")
    sys.exit(1 if missing else 0)
