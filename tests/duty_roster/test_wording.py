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


def test_incident_form_speaks_of_incidents_not_hazards(client_for, inst1):
    from django.urls import reverse

    page = client_for(inst1).get(reverse("duty_roster:incident_new")).content.decode()
    assert "事件等级" in page and "处置情况" in page
    assert "隐患等级" not in page and "整改情况" not in page


def test_incident_page_speaks_of_incidents_not_hazards(client_for, inst1, institution1):
    from django.urls import reverse

    from duty_roster import services
    from tests.duty_roster.factories import at

    incident = services.report_incident(
        user=inst1,
        township=institution1.township,
        institution=institution1,
        occurred_at=at(1, 8),
        place="1号楼",
        category="fire",
        severity="ordinary",
        deaths=0,
        injuries=0,
        summary="冒烟",
        actions_taken="已扑灭",
        who_was_told="镇值班室",
    )
    page = client_for(inst1).get(reverse("duty_roster:incident", args=[incident.pk]))
    html = page.content.decode()
    assert "事件等级" in html and "处置情况" in html
    assert "隐患等级" not in html and "整改情况" not in html
