"""A positive case opens a follow-up for the township; it stays open until closed with a note."""

import pytest
from django.urls import reverse

from epidemic import services
from epidemic.models import FollowUp, FollowUpStatus
from tests.epidemic.factories import WEEK
from tests.epidemic.test_filing import FORM

pytestmark = pytest.mark.django_db

POSITIVE = {
    **FORM,
    "residents_positive": "2",
    "staff_positive": "1",
    "sent_to_hospital": "1",
    "hospital": "泌阳县人民医院",
    "referred_80_plus": "1",
}


def file(client, institution, data):
    return client.post(reverse("epidemic:file", args=[institution.pk, "2027-W06"]), data)


def test_a_report_with_positives_opens_a_follow_up_for_the_township(clock, inst1, client_for):
    file(client_for(inst1), inst1.institution, POSITIVE)
    follow_up = FollowUp.objects.get()
    assert (follow_up.township, follow_up.institution, follow_up.positives) == (
        inst1.township,
        inst1.institution,
        3,
    )
    assert follow_up.status == FollowUpStatus.OPEN


def test_a_report_without_positives_opens_nothing(clock, inst1, client_for):
    file(client_for(inst1), inst1.institution, FORM)
    assert not FollowUp.objects.exists()


def test_changing_the_report_keeps_one_follow_up(clock, inst1, client_for):
    client = client_for(inst1)
    file(client, inst1.institution, POSITIVE)
    file(client, inst1.institution, {**POSITIVE, "deaths": "1"})
    assert FollowUp.objects.count() == 1


def test_more_positives_reopen_a_closed_follow_up(clock, inst1, town1, client_for):
    file(client_for(inst1), inst1.institution, POSITIVE)
    follow_up = services.close_follow_up(
        follow_up=FollowUp.objects.get(), user=town1, note="已隔离"
    )
    file(client_for(inst1), inst1.institution, {**POSITIVE, "residents_positive": "5"})
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.positives, follow_up.closing_note) == ("open", 6, "")


def test_township_staff_close_it_with_a_note(clock, inst1, town1, client_for):
    file(client_for(inst1), inst1.institution, POSITIVE)
    follow_up = FollowUp.objects.get()
    url = reverse("epidemic:follow_up", args=[follow_up.pk])
    response = client_for(town1).post(url, {"note": "已上门核查，隔离到位"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.closed_by, follow_up.closing_note) == (
        "closed",
        town1,
        "已上门核查，隔离到位",
    )


def test_closing_without_a_note_is_refused(clock, inst1, town1, client_for):
    file(client_for(inst1), inst1.institution, POSITIVE)
    follow_up = FollowUp.objects.get()
    url = reverse("epidemic:follow_up", args=[follow_up.pk])
    response = client_for(town1).post(url, {"note": "  "})
    assert response.status_code == 200
    assert "办结前请填写处置情况。" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.is_open


def test_institution_staff_do_not_close_their_own_follow_up(clock, inst1, client_for):
    file(client_for(inst1), inst1.institution, POSITIVE)
    follow_up = FollowUp.objects.get()
    url = reverse("epidemic:follow_up", args=[follow_up.pk])
    assert client_for(inst1).post(url, {"note": "自己办结"}).status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.is_open


def test_another_township_cannot_see_or_close_it(clock, inst1, town2, client_for):
    file(client_for(inst1), inst1.institution, POSITIVE)
    follow_up = FollowUp.objects.get()
    url = reverse("epidemic:follow_up", args=[follow_up.pk])
    assert client_for(town2).post(url, {"note": "越权"}).status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.is_open


def test_the_bureau_sees_it_until_it_is_closed(clock, inst1, officer, client_for):
    file(client_for(inst1), inst1.institution, POSITIVE)
    client = client_for(officer)
    page = client.get(reverse("epidemic:county")).content.decode()
    assert "follow-up-list" in page and inst1.institution.name in page.split("follow-up-list")[1]
    follow_up = FollowUp.objects.get()
    client.post(reverse("epidemic:follow_up", args=[follow_up.pk]), {"note": "已处置"})
    page = client.get(reverse("epidemic:county")).content.decode()
    assert inst1.institution.name not in page.split("follow-up-list")[1]


def test_a_closed_follow_up_cannot_be_closed_twice(clock, inst1, town1, officer):
    from django.core.exceptions import ValidationError

    from tests.epidemic.factories import WeeklyReportFactory

    report = WeeklyReportFactory(institution=inst1.institution, week=WEEK, residents_positive=1)
    follow_up = services.open_follow_up(report, report.submitted_at)
    services.close_follow_up(follow_up=follow_up, user=town1, note="已处置")
    with pytest.raises(ValidationError):
        services.close_follow_up(follow_up=follow_up, user=officer, note="再次办结")
    follow_up.refresh_from_db()
    assert follow_up.closed_by == town1
