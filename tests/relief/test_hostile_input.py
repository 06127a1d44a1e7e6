"""Bad input to relief pages is a form error, a 400 or a 404: never a 500, never half-saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from relief import services
from relief.models import (
    Application,
    BatchStatus,
    DisbursementBatch,
    HomeVisit,
    PersonCategory,
    Programme,
    VisitRule,
)
from tests.factories import UserFactory
from tests.relief.factories import (
    PersonCategoryFactory,
    PersonFactory,
    ProgrammeFactory,
    TemporaryAssistanceFactory,
    id_number,
)


@pytest.fixture
def person(township1):
    return PersonFactory(township=township1)


@pytest.fixture
def draft(township1):
    PersonCategoryFactory(person__township=township1)
    return services.generate_batch(
        programme=ProgrammeFactory(), period="2027-01", user=UserFactory()
    )


def exclude(client, batch, **data):
    return client.post(reverse("relief:batch_action", args=[batch.pk, "exclude"]), data)


@pytest.mark.parametrize("line", ["abc", "", "1.5", "-1", "99999999999999999999999"])
def test_excluding_a_line_that_is_not_a_number_is_a_404(client_for, officer, draft, line):
    assert exclude(client_for(officer), draft, line=line, reason="x").status_code == 404


def test_excluding_another_batchs_line_is_a_404(client_for, officer, draft, township1):
    other = services.generate_batch(
        programme=ProgrammeFactory(), period="2027-01", user=UserFactory()
    )
    response = exclude(client_for(officer), draft, line=other.lines.get().pk, reason="x")
    assert response.status_code == 404


def test_an_overlong_exclusion_reason_is_refused_and_changes_nothing(client_for, officer, draft):
    line = draft.lines.get()
    response = exclude(client_for(officer), draft, line=line.pk, reason="很" * 201)
    assert response.status_code == 302
    line.refresh_from_db()
    assert not line.excluded


@pytest.mark.parametrize("period", ["9999-12", "0000-01", "1999-12", "2101-01", "2027-13", "2027"])
def test_a_month_outside_2000_to_2100_is_refused_beside_the_field(client_for, officer, period):
    programme = ProgrammeFactory()
    response = client_for(officer).post(
        reverse("relief:batches"), {"programme": programme.pk, "period": period}
    )
    assert response.status_code == 200
    assert "2000-01至2100-12" in " ".join(response.context["form"].errors["period"])
    assert not DisbursementBatch.objects.exists()


def test_the_service_refuses_a_month_far_out_too(officer):
    with pytest.raises(ValidationError) as error:
        services.generate_batch(programme=ProgrammeFactory(), period="9999-12", user=officer)
    assert "period" in error.value.error_dict


def test_a_month_typed_in_full_width_digits_is_the_same_month(officer, township1):
    """Otherwise "２０２７-01" is a month nobody has been paid in, and everyone is paid twice."""
    programme = ProgrammeFactory()
    PersonCategoryFactory(person__township=township1)
    clerk = UserFactory()
    first = services.generate_batch(programme=programme, period="2027-01", user=clerk)
    second = services.generate_batch(programme=programme, period="２０２７-０１", user=clerk)
    assert second.period == "2027-01"
    services.approve_batch(batch=first, user=officer)
    with pytest.raises(ValidationError):
        services.approve_batch(batch=second, user=officer)
    second.refresh_from_db()
    assert second.status == BatchStatus.DRAFT


@pytest.mark.parametrize("day", ["1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
def test_a_category_date_outside_2000_to_2100_is_refused_beside_the_field(
    client_for, town1, person, day
):
    response = client_for(town1).post(
        reverse("relief:person_action", args=[person.pk, "category"]),
        {"category": "orphan", "start_date": day, "end_date": ""},
    )
    assert "2000-01-01至2100-12-31" in " ".join(
        response.context["category_form"].errors["start_date"]
    )
    assert not PersonCategory.objects.exists()


@pytest.mark.parametrize("day", ["1999-12-31", "0001-01-01"])
def test_a_visit_before_2000_is_refused_beside_the_field(client_for, town1, person, day):
    response = client_for(town1).post(
        reverse("relief:person_action", args=[person.pk, "visit"]),
        {"visited_on": day, "findings": "身体尚好"},
    )
    assert "2000-01-01至2100-12-31" in " ".join(response.context["visit_form"].errors["visited_on"])
    assert not HomeVisit.objects.exists()


def test_the_visit_service_refuses_a_date_before_2000(town1, person):
    with pytest.raises(ValidationError) as error:
        services.record_visit(
            person=person,
            user=town1,
            visited_on=datetime.date(1999, 12, 31),
            findings="x",
            needs=[],
        )
    assert "visited_on" in error.value.error_dict


@pytest.mark.parametrize(
    "field", ["starts_on", "ends_on"], ids=["programme starts", "programme ends"]
)
def test_a_programme_date_outside_2000_to_2100_is_a_model_error(db, field):
    programme = Programme(name="x", kind="periodic", starts_on=datetime.date(2026, 1, 1))
    setattr(programme, field, datetime.date(2101, 1, 1))
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert field in error.value.error_dict


def test_a_visit_rule_of_centuries_is_refused(db):
    # today - timedelta(days=10**6) overflows, and every relief page would fail with it.
    with pytest.raises(ValidationError):
        VisitRule(category="orphan", every_days=10**6).full_clean()


@pytest.mark.parametrize("amount", ["1e20", "12345678901", "99999999.999", "NaN", "Infinity"])
def test_a_huge_or_odd_amount_is_refused_beside_the_field(client_for, town1, person, amount):
    programme = TemporaryAssistanceFactory(ceiling=None)
    response = client_for(town1).post(
        reverse("relief:person_action", args=[person.pk, "application"]),
        {"programme": programme.pk, "amount": amount, "reason": "火灾"},
    )
    assert response.status_code == 200
    assert response.context["application_form"].errors["amount"]
    assert not Application.objects.exists()


@pytest.mark.parametrize("income", ["1e20", "123456789012", "-1"])
def test_a_huge_or_negative_income_is_refused_beside_the_field(
    client_for, town1, township1, income
):
    data = {
        "name": "李桂兰",
        "id_number": id_number(7),
        "township": township1.pk,
        "village": "王庄村",
        "address": "",
        "phone": "",
        "monthly_income": income,
    }
    response = client_for(town1).post(reverse("relief:person_new"), data)
    assert response.context["form"].errors["monthly_income"]


@pytest.mark.parametrize("query", ["page=abc&status=zz", "page=-1", "page=99999999999999999999"])
def test_odd_list_parameters_show_the_list(client_for, town1, query):
    for name in ("relief:applications", "relief:people"):
        assert client_for(town1).get(f"{reverse(name)}?{query}").status_code == 200


# --- next= ---------------------------------------------------------------------------------


@pytest.fixture
def submitted(person, township1):
    from tests.factories import TownshipStaffFactory

    return services.file_application(
        user=TownshipStaffFactory(township=township1),
        person=person,
        programme=TemporaryAssistanceFactory(),
        amount=100,
        reason="x",
    )


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/relief/",
        "//evil.example/relief/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "http://testserver/relief/",  # http on a secure request
    ],
)
def test_a_next_outside_the_site_is_not_followed(client_for, town1, submitted, target):
    response = client_for(town1).post(
        reverse("relief:application_action", args=[submitted.pk, "review"]),
        {"note": "", "next": target},
        secure=True,
    )
    assert response["Location"] == reverse("relief:applications")


def test_a_next_inside_the_site_is_followed(client_for, town1, submitted):
    target = reverse("relief:applications") + "?status=submitted"
    response = client_for(town1).post(
        reverse("relief:application_action", args=[submitted.pk, "review"]),
        {"note": "", "next": target},
    )
    assert response["Location"] == target
