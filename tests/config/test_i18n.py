"""Chinese first, English second: the catalogues are complete and compiled."""

import pathlib

import polib
import pytest
from django.conf import settings
from django.urls import reverse

ROOT = pathlib.Path(settings.BASE_DIR)
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)


def test_there_is_a_chinese_catalogue_for_the_project_and_each_app_with_strings():
    folders = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"locale", "institutions"} <= folders


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_catalogue_is_complete(po_path):
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_its_source(po_path):
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in mo if e.msgid}
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in po
        if e.translated() and not e.obsolete
    }
    assert compiled == source


@pytest.mark.django_db
def test_pages_are_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_a_user_can_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page


@pytest.mark.django_db
def test_a_browser_asking_for_english_still_gets_chinese_until_the_user_switches(client):
    page = client.get(reverse("login"), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="zh-hans">' in page.content.decode()


@pytest.mark.django_db
def test_the_english_footer_separates_the_county_from_the_bureau(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    page = client.get(reverse("login")).content.decode()
    assert f"{settings.COUNTY_NAME} Civil Affairs Bureau" in page


@pytest.mark.django_db
def test_the_chinese_footer_names_the_county_bureau(client):
    page = client.get(reverse("login")).content.decode()
    assert f"{settings.COUNTY_NAME}民政局" in page
