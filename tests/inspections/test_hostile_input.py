"""Garbage in any parameter is ignored, refused beside its field, a 400 or a 404: never a 500."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from inspections import services
from inspections.forms import AnswerForm
from inspections.models import Answer, DeadlineExtension, ExtensionStatus, Hazard, Item
from tests.inspections.factories import InspectionFactory, ItemFactory, soon

HUGE = "9" * 30
GARBAGE = ["²", "٣", "-1", HUGE, "1e9999", "1\x00", "<script>", "💥", "' OR 1=1 --", ""]


@pytest.fixture
def hazard(officer, institution1):
    return services.raise_hazard(
        institution=institution1,
        user=officer,
        category="fire",
        severity="general",
        description="灭火器过期",
        deadline=soon(7),
    )


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize(
    "name", ["township", "institution", "kind", "category", "severity", "status", "overdue", "page"]
)
def test_garbage_in_a_ledger_filter_is_ignored_not_a_500(
    client_for, officer, town1, hazard, name, value
):
    for user in (officer, town1):
        client = client_for(user)
        page = client.get(reverse("inspections:ledger"), {name: value})
        assert page.status_code == 200
        download = client.get(reverse("inspections:ledger_xlsx"), {name: value})
        assert download.status_code == 200


def test_a_unicode_digit_township_shows_the_whole_ledger(client_for, officer, hazard):
    response = client_for(officer).get(reverse("inspections:ledger"), {"township": "²"})
    assert list(response.context["page"]) == [hazard]


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_section_number_shows_the_first_section(client_for, town1, sweep, value):
    inspection, _items = sweep
    response = client_for(town1).get(
        reverse("inspections:fill", args=[inspection.pk]), {"s": value}
    )
    assert response.status_code == 200
    assert response.context["index"] in (0, 1)


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("inspections:fill", [int(HUGE)]),
        ("inspections:result", [int(HUGE)]),
        ("inspections:review", [int(HUGE)]),
        ("inspections:hazard", [int(HUGE)]),
        ("inspections:answer_photo", [int(HUGE)]),
        ("inspections:hazard_photo", [int(HUGE)]),
        ("inspections:raise", [int(HUGE)]),
    ],
)
def test_an_id_too_large_for_the_database_is_a_404(client_for, officer, url_name, args):
    assert client_for(officer).get(reverse(url_name, args=args)).status_code == 404


def test_an_item_or_extension_id_too_large_is_a_404(client_for, town1, sweep, hazard):
    inspection, _items = sweep
    client = client_for(town1)
    answer = client.post(reverse("inspections:answer", args=[inspection.pk, int(HUGE)]), {})
    assert answer.status_code == 404
    decide = client.post(reverse("inspections:decide_extension", args=[hazard.pk, int(HUGE)]))
    assert decide.status_code == 404


def test_a_non_numeric_id_in_a_url_is_a_404(client_for, officer):
    client = client_for(officer)
    assert client.get("/inspections/abc/").status_code == 404
    assert client.get("/inspections/hazards/²/").status_code == 404


# --- Numbers --------------------------------------------------------------


@pytest.fixture
def number_inspection(institution1):
    item = ItemFactory(answer_type="number", unit="次", min_value=0, max_value=14, fail_below=1)
    return InspectionFactory(institution=institution1, version=item.section.version), item


@pytest.fixture
def open_number_inspection(institution1):
    """A number with no range at all: only the parser stands between input and arithmetic."""
    item = ItemFactory(answer_type="number", fail_below=1)
    return InspectionFactory(institution=institution1, version=item.section.version), item


def post_value(client, inspection, item, value, note=""):
    return client.post(
        reverse("inspections:answer", args=[inspection.pk, item.pk]),
        {f"item{item.pk}-value": value, f"item{item.pk}-note": note},
        headers={"HX-Request": "true"},
    )


@pytest.mark.parametrize(
    "value",
    [
        "NaN",
        "nan",
        "sNaN",
        "-NaN",
        "Infinity",
        "-Infinity",
        "inf",
        "1e999999",
        "1e9999999",
        HUGE,
        "1,5",
        "0x10",
    ],
)
@pytest.mark.parametrize("fixture", ["number_inspection", "open_number_inspection"])
def test_a_number_that_is_not_a_plain_finite_number_is_refused(
    request, client_for, town1, fixture, value
):
    inspection, item = request.getfixturevalue(fixture)
    response = post_value(client_for(town1), inspection, item, value)
    assert response.status_code == 200
    assert "请输入数字" in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("-0", "0"), ("-0.00", "0"), ("１２", "12"), (" 3.50 ", "3.5"), ("+2", "2")],
)
def test_a_plain_number_is_stored_in_one_canonical_form(
    client_for, town1, number_inspection, typed, stored
):
    inspection, item = number_inspection
    post_value(client_for(town1), inspection, item, typed)
    assert Answer.objects.get().value == stored


def test_a_number_stored_by_the_old_code_as_nan_stops_the_submission_not_the_server(
    client_for, town1, number_inspection
):
    inspection, item = number_inspection
    services.save_answer(inspection=inspection, item=item, user=town1, value="2")
    Answer.objects.update(value="NaN")
    assert item.is_failure("NaN") is False
    response = client_for(town1).post(
        reverse("inspections:submit", args=[inspection.pk]),
        {"inspector_name": "甲", "person_present": "乙"},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert not inspection.is_submitted


NUMBER_ITEM = Item(
    pk=1,
    answer_type="number",
    min_value=Decimal(0),
    max_value=Decimal(14),
    fail_below=Decimal(2),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.from_regex(r"[+-]?[0-9.eE]{0,12}(nan|inf)?", fullmatch=True)))
def test_any_text_as_a_number_answer_is_either_refused_or_a_plain_number(text):
    form = AnswerForm({"item1-value": text, "item1-note": ""}, item=NUMBER_ITEM)
    if form.is_valid():
        value = form.cleaned_data["value"]
        assert len(value) <= 30
        NUMBER_ITEM.is_failure(value)
        assert value == "" or Decimal(value).is_finite()


# --- Text -----------------------------------------------------------------


@pytest.fixture
def text_inspection(institution1):
    item = ItemFactory(answer_type="text")
    return InspectionFactory(institution=institution1, version=item.section.version), item


def test_an_overlong_text_answer_is_refused_beside_the_item(client_for, town1, text_inspection):
    inspection, item = text_inspection
    response = post_value(client_for(town1), inspection, item, "长" * 10_000)
    assert response.status_code == 200
    assert "确保该变量包含不超过 500 字符" in response.content.decode()
    assert not Answer.objects.exists()


def test_an_overlong_note_is_refused_beside_the_item(client_for, town1, text_inspection):
    inspection, item = text_inspection
    response = post_value(client_for(town1), inspection, item, "有", note="长" * 10_000)
    assert "确保该变量包含不超过 2000 字符" in response.content.decode()
    assert not Answer.objects.exists()


def test_nul_and_control_characters_are_dropped_and_emoji_kept(client_for, town1, text_inspection):
    inspection, item = text_inspection
    post_value(client_for(town1), inspection, item, "灭火器\x00过期\x0b🔥", note="\x1b[31m红\r\n色")
    answer = Answer.objects.get()
    assert answer.value == "灭火器过期🔥"
    assert answer.note == "[31m红\r\n色"


def test_a_hazard_with_control_characters_still_downloads_in_the_ledger(
    client_for, officer, institution1
):
    client = client_for(officer)
    client.post(
        reverse("inspections:raise", args=[institution1.pk]),
        {
            "category": "fire",
            "severity": "general",
            "description": "电线\x0b老化\x07",
            "deadline": soon(3).isoformat(),
            "token": str(uuid.uuid4()),
        },
    )
    assert Hazard.objects.get().description == "电线老化"
    response = client.get(reverse("inspections:ledger_xlsx"))
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=5, column=7).value == "电线老化"  # under title, filter, author, header


@pytest.mark.parametrize("action", ["start", "rectify", "verify", "reject", "extend"])
def test_overlong_text_in_a_hazard_action_changes_nothing(client_for, town1, hazard, action):
    text = "长" * 10_000
    response = client_for(town1).post(
        reverse("inspections:hazard_action", args=[hazard.pk, action]),
        {"interim_measures": text, "note": text, "reason": text, "new_deadline": "x"},
    )
    assert response.status_code == 200
    hazard.refresh_from_db()
    assert hazard.status == "open"
    assert hazard.events.count() == 1
    assert not hazard.extensions.exists()


def test_overlong_interim_measures_are_refused_beside_the_field(client_for, town1, hazard):
    response = client_for(town1).post(
        reverse("inspections:hazard_action", args=[hazard.pk, "start"]),
        {"interim_measures": "长" * 10_000},
    )
    assert "确保该变量包含不超过 2000 字符" in response.content.decode()


# --- Decisions ------------------------------------------------------------


@pytest.fixture
def extension(hazard, town1):
    return services.request_extension(
        hazard=hazard,
        user=town1,
        new_deadline=hazard.deadline + datetime.timedelta(days=5),
        reason="材料未到",
    )


@pytest.mark.parametrize("decision", ["", "maybe", "APPROVE", "approve\x00", None])
def test_a_decision_that_is_neither_approve_nor_refuse_is_a_400_and_decides_nothing(
    client_for, officer, hazard, extension, decision
):
    data = {} if decision is None else {"decision": decision}
    response = client_for(officer).post(
        reverse("inspections:decide_extension", args=[hazard.pk, extension.pk]), data
    )
    assert response.status_code == 400
    assert DeadlineExtension.objects.get().status == ExtensionStatus.PENDING


def test_refuse_still_refuses(client_for, officer, hazard, extension):
    client_for(officer).post(
        reverse("inspections:decide_extension", args=[hazard.pk, extension.pk]),
        {"decision": "refuse"},
    )
    assert DeadlineExtension.objects.get().status == ExtensionStatus.REFUSED


@pytest.mark.parametrize("value", ["²", HUGE, "//evil.example", "0\r\nSet-Cookie: x=1"])
def test_garbage_section_in_a_saved_answer_redirects_to_the_first_section(
    client_for, town1, sweep, value
):
    inspection, items = sweep
    response = client_for(town1).post(
        reverse("inspections:answer", args=[inspection.pk, items[0].pk]),
        {f"item{items[0].pk}-value": "pass", "s": value},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/{inspection.pk}/?s=0#item-{items[0].pk}"
