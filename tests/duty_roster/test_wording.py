"""The duty pages say what the duty catalogue says.

Django merges every catalogue: the project's locale/ first, then the apps in
INSTALLED_APPS order, the first to translate a msgid winning. Institutions and
inspections come before duty_roster, so an identical English msgid there silently
replaces our Chinese (the incident form said 隐患等级 and 整改情况).
"""

import pathlib

import polib
from django.apps import apps
from django.conf import settings

ZH = "zh_Hans/LC_MESSAGES/django.po"


def catalogues_before_duty_roster():
    paths = [pathlib.Path(path) / ZH for path in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        if config.label == "duty_roster":
            break
        paths.append(pathlib.Path(config.path) / "locale" / ZH)
    return [path for path in paths if path.exists()]


def test_no_duty_wording_is_replaced_by_an_earlier_catalogue():
    winners = {}
    for path in catalogues_before_duty_roster():
        for entry in polib.pofile(str(path)):
            if entry.translated() and not entry.obsolete:
                winners.setdefault((entry.msgctxt, entry.msgid), (path, entry.msgstr))
    ours = polib.pofile(str(pathlib.Path(apps.get_app_config("duty_roster").path) / "locale" / ZH))
    lost = [
        (entry.msgid, entry.msgstr, winners[key])
        for entry in ours
        if (key := (entry.msgctxt, entry.msgid)) in winners and winners[key][1] != entry.msgstr
    ]
    assert lost == []
