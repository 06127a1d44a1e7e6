"""The import pages: choose, download the template, upload, preview, confirm, rejects."""

import re

import pytest
from django.urls import reverse

from imports.services import KINDS
from institutions.models import Institution
from relief.models import Person
from tests.imports.helpers import (
    headers,
    id_number,
    institution_row,
    person_row,
    read_back,
    upload,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _imports_dir(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"


def post_file(client, kind, rows):
    data = workbook_bytes(headers(kind), rows)
    return client.post(reverse("imports:upload", args=[kind]), {"file": upload(data)})


def token_of(response):
    return re.search(r"/imports/\w+/([0-9a-f-]{36})/", response.content.decode()).group(1)


def test_the_index_lists_what_the_user_may_import(client_for, town1):
    response = client_for(town1).get(reverse("imports:index"))
    assert response.status_code == 200
    assert reverse("imports:upload", args=["people"]) in response.content.decode()


def test_institution_staff_are_refused_every_import_page(client_for, inst1):
    client = client_for(inst1)
    assert client.get(reverse("imports:index")).status_code == 403
    for kind in KINDS:
        assert client.get(reverse("imports:upload", args=[kind])).status_code == 403
        assert client.get(reverse("imports:template", args=[kind])).status_code == 403


def test_the_template_has_the_headers_and_one_example_row(client_for, officer):
    response = client_for(officer).get(reverse("imports:template", args=["people"]))
    assert response.status_code == 200
    rows = read_back(b"".join(response.streaming_content))
    assert rows[0] == headers("people")
    assert len(rows) == 2 and rows[1][1] == "411726195001010027"


def test_upload_preview_then_confirm_imports(client_for, officer, township1):
    client = client_for(officer)
    response = post_file(client, "institutions", [institution_row(1), institution_row(2)])
    assert response.status_code == 200
    assert "2 行新数据可以导入" in response.content.decode()
    assert Institution.objects.count() == 0
    token = token_of(response)
    response = client.post(
        reverse("imports:confirm", args=["institutions", token]), {"mode": "all"}
    )
    assert response.status_code == 200
    assert Institution.objects.count() == 2


def test_a_bad_row_is_listed_and_nothing_is_written_on_import_all(client_for, town1, township1):
    client = client_for(town1)
    response = post_file(client, "people", [person_row(1), person_row(2, phone="12")])
    page = response.content.decode()
    assert "电话" in page and "1 行有错误" in page
    token = token_of(response)
    client.post(reverse("imports:confirm", args=["people", token]), {"mode": "all"})
    assert Person.objects.count() == 0


def test_valid_rows_only_and_the_rejects_file_with_its_reason(client_for, town1, township1):
    client = client_for(town1)
    bad = person_row(2, phone="12", address="@SUM(1)")
    response = post_file(client, "people", [person_row(1), bad])
    token = token_of(response)
    client.post(reverse("imports:confirm", args=["people", token]), {"mode": "valid"})
    assert list(Person.objects.values_list("id_number", flat=True)) == [id_number(1)]
    response = client.get(reverse("imports:rejects", args=["people", token]))
    rows = read_back(b"".join(response.streaming_content))
    assert rows[0] == [*headers("people"), "原因"]
    assert len(rows) == 2
    # The uploader gets the number back to correct it; a formula stays text.
    assert rows[1][1] == id_number(2)
    assert rows[1][4] == "'@SUM(1)"
    assert rows[1][-1].startswith("电话：")


def test_another_users_token_is_not_found(client, client_for, town1, town2, township1):
    response = post_file(client_for(town1), "people", [person_row(1)])
    token = token_of(response)
    client.force_login(town2)
    url = reverse("imports:confirm", args=["people", token])
    assert client.post(url, {"mode": "all"}).status_code == 404
    assert client.get(reverse("imports:rejects", args=["people", token])).status_code == 404
    assert Person.objects.count() == 0


@pytest.mark.parametrize("kind", ["institutions", "people"])
def test_the_templates_example_row_passes_its_own_check(client_for, officer, township1, kind):
    client = client_for(officer)
    template = b"".join(client.get(reverse("imports:template", args=[kind])).streaming_content)
    response = client.post(reverse("imports:upload", args=[kind]), {"file": upload(template)})
    page = response.content.decode()
    assert "1 行新数据可以导入" in page and "有错误" not in page


def test_hostile_posts_get_answers_not_500s(client_for, town1, township1):
    client = client_for(town1)
    url = reverse("imports:upload", args=["people"])
    assert client.post(url, {}).status_code == 200
    assert client.post(url, {"file": upload(b"\x00" * 10)}).status_code == 200
    assert client.get(reverse("imports:upload", args=["nothing"])).status_code == 404
    token = token_of(post_file(client, "people", [person_row(1)]))
    confirm = reverse("imports:confirm", args=["people", token])
    assert client.post(confirm, {"mode": "abc"}).status_code == 404
    assert client.get(confirm).status_code == 405
    assert Person.objects.count() == 0


def test_an_upload_over_the_cap_is_refused_unread(client_for, town1, monkeypatch):
    from imports import views

    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 10)
    response = client_for(town1).post(
        reverse("imports:upload", args=["people"]), {"file": upload(b"PK\x03\x04" + b"0" * 100)}
    )
    assert "20 MB" in response.content.decode()
