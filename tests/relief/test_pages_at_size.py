"""Relief pages whose cost follows the page, not the county: searches an index answers,
bounded histories and pickers, a roster a page at a time, query counts that do not grow."""

import datetime

import pytest
from django.urls import reverse

from relief import services
from relief.models import (
    Application,
    DisbursementBatch,
    HomeVisit,
    Payment,
    RegistrationConflict,
    TransferRequest,
    TransferStatus,
    VisitRule,
)
from relief.views import BATCH_PAGE_SIZE, RECENT
from tests.factories import InstitutionStaffFactory, TownshipStaffFactory
from tests.relief.factories import (
    PersonCategoryFactory,
    PersonFactory,
    ProgrammeFactory,
    TemporaryAssistanceFactory,
    id_number,
)


@pytest.fixture
def person(township1):
    return PersonFactory(
        township=township1, name="王秀英", id_number=id_number(7, born=datetime.date(1949, 12, 31))
    )


def found(client, query):
    return list(client.get(reverse("relief:people"), query).context["page"])


def test_people_are_found_by_the_start_of_their_name(client_for, town1, township1, person):
    PersonFactory(township=township1, name="李秀英")
    assert found(client_for(town1), {"q": "王秀"}) == [person]


def test_people_are_found_by_their_full_id_number_typed_full_width(client_for, town1, person):
    typed = person.id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert found(client_for(town1), {"q": typed}) == [person]


def test_a_part_of_an_id_number_finds_nobody_and_says_to_type_it_whole(
    client_for, town1, township1, person
):
    # The number is encrypted at rest: only a whole number is found, through its digest.
    response = client_for(town1).get(reverse("relief:people"), {"q": person.id_number[:14]})
    assert list(response.context["page"]) == []
    assert "18" in " ".join(response.context["form"].errors["q"])


def test_an_id_search_does_not_cross_the_township(client_for, town2, person):
    assert found(client_for(town2), {"q": person.id_number}) == []


def test_the_category_filter_lists_a_person_once_whatever_their_categories(
    client_for, town1, person
):
    PersonCategoryFactory(person=person, category="orphan")
    PersonCategoryFactory(person=person, category="orphan", start_date=datetime.date(2020, 1, 1))
    assert found(client_for(town1), {"category": "orphan"}) == [person]
    assert found(client_for(town1), {"category": "dibao"}) == []


def test_a_township_list_is_in_village_and_name_order(client_for, town1, township1):
    PersonFactory(township=township1, village="李庄村", name="乙")
    PersonFactory(township=township1, village="李庄村", name="甲")
    PersonFactory(township=township1, village="东村", name="丙")
    names = [p.name for p in found(client_for(town1), {})]
    assert names == sorted(names, key=lambda n: {"丙": 0, "乙": 1, "甲": 2}[n])
    assert [p.village for p in found(client_for(town1), {})] == ["东村", "李庄村", "李庄村"]


@pytest.mark.parametrize("count", [3, 40])
def test_the_people_list_with_filters_runs_the_same_queries_however_many_people(
    client_for, town1, township1, count, django_assert_num_queries
):
    VisitRule.objects.create(category="orphan", every_days=60)
    for person in PersonFactory.create_batch(count, township=township1):
        PersonCategoryFactory(person=person, category="orphan")
    client = client_for(town1)
    # savepoints, session, user, menu township, visit rules, count, page, session save
    with django_assert_num_queries(11):
        page = client.get(reverse("relief:people"), {"category": "orphan", "overdue": "on"})
    assert len(page.context["page"]) == min(count, 30)


def test_the_list_count_comes_from_the_cache_on_the_second_view(
    client_for, town1, township1, django_assert_num_queries
):
    PersonFactory.create_batch(3, township=township1)
    client = client_for(town1)
    client.get(reverse("relief:people"))
    with django_assert_num_queries(9):  # as above without the count
        page = client.get(reverse("relief:people")).context["page"]
    assert page.paginator.count == 3


def test_a_new_person_is_counted_at_once(client_for, town1, township1):
    client = client_for(town1)
    assert client.get(reverse("relief:people")).context["page"].paginator.count == 0
    PersonFactory(township=township1)
    assert client.get(reverse("relief:people")).context["page"].paginator.count == 1


# --- The person page ----------------------------------------------------------------------


def test_the_follow_up_owner_offers_relief_staff_not_every_account_in_scope(
    client_for, town1, township1, person, institution1
):
    colleague = TownshipStaffFactory(township=township1, full_name="同事")
    InstitutionStaffFactory(institution=institution1, full_name="院里的人")
    field = client_for(town1).get(person.get_absolute_url()).context["visit_form"]
    offered = set(field.fields["follow_up_owner"].queryset)
    assert offered == {town1, colleague}


def test_the_bureau_may_name_itself_or_the_persons_township_staff(
    client_for, officer, town1, town2, person, institution1
):
    InstitutionStaffFactory(institution=institution1)
    form = client_for(officer).get(person.get_absolute_url()).context["visit_form"]
    assert set(form.fields["follow_up_owner"].queryset) == {officer, town1}


def test_a_follow_up_owner_outside_the_choices_is_refused(client_for, town1, person, institution1):
    outsider = InstitutionStaffFactory(institution=institution1)
    response = client_for(town1).post(
        reverse("relief:person_action", args=[person.pk, "visit"]),
        {
            "visited_on": datetime.date.today().isoformat(),
            "findings": "好",
            "follow_up": "送棉衣",
            "follow_up_owner": outsider.pk,
        },
    )
    assert response.status_code == 200
    assert "follow_up_owner" in response.context["visit_form"].errors
    assert not HomeVisit.objects.exists()


@pytest.mark.parametrize("months", [2, 30])
def test_the_person_page_shows_the_latest_history_in_the_same_queries(
    client_for, town1, person, months, django_assert_num_queries
):
    programme = ProgrammeFactory()
    for month in range(months):
        Payment.objects.create(
            person=person,
            programme=programme,
            period=f"{2024 + month // 12}-{month % 12 + 1:02d}",
            amount=600,
        )
        HomeVisit.objects.create(
            person=person,
            visitor=town1,
            visited_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=month * 30),
            findings="好",
        )
    client = client_for(town1)
    # The page and its history, and the full ID number shown written to the audit log (5).
    with django_assert_num_queries(15 + 5):
        response = client.get(person.get_absolute_url())
    assert len(response.context["payments"]) == min(months, RECENT)
    assert len(response.context["visits"]) == min(months, RECENT)
    assert response.context["visits"].more == (months > RECENT)
    newest = max(v.visited_on for v in HomeVisit.objects.all())
    assert response.context["visits"][0].visited_on == newest


# --- Batches ------------------------------------------------------------------------------


@pytest.mark.parametrize("people", [3, BATCH_PAGE_SIZE + 5])
def test_a_batch_page_shows_a_page_of_its_roster_in_the_same_queries(
    client_for, officer, township1, people, django_assert_num_queries
):
    programme = ProgrammeFactory()
    for n in range(people):
        PersonCategoryFactory(
            person=PersonFactory(township=township1, village=f"村{n % 7}"), category="orphan"
        )
    batch = services.generate_batch(programme=programme, period="2027-01", user=officer)
    client = client_for(officer)
    # savepoints, session, user, menu, batch, count, lines, the change history's latest
    # versions of the batch, of its lines and of its payments (config.history), session
    # save and its savepoints
    with django_assert_num_queries(13):
        response = client.get(batch.get_absolute_url())
    lines = list(response.context["lines"])
    assert len(lines) == min(people, BATCH_PAGE_SIZE)
    assert [(line.village, line.person_name) for line in lines] == sorted(
        (line.village, line.person_name) for line in lines
    )
    if people > BATCH_PAGE_SIZE:
        second = client.get(batch.get_absolute_url(), {"page": 2}).context["lines"]
        assert len(second) == people - BATCH_PAGE_SIZE


def test_leaving_a_person_out_returns_to_the_same_page_of_the_roster(
    client_for, officer, township1
):
    programme = ProgrammeFactory()
    PersonCategoryFactory(person=PersonFactory(township=township1), category="orphan")
    batch = services.generate_batch(programme=programme, period="2027-01", user=officer)
    line = batch.lines.get()
    back = batch.get_absolute_url() + "?page=2"
    response = client_for(officer).post(
        reverse("relief:batch_action", args=[batch.pk, "exclude"]),
        {"line": line.pk, "reason": "已去世", "next": back},
    )
    assert response["Location"] == back
    line.refresh_from_db()
    assert line.excluded


# --- Applications -------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 35])
def test_the_applications_list_runs_the_same_queries_however_many(
    client_for, officer, town1, township1, count, django_assert_num_queries
):
    programme = TemporaryAssistanceFactory()
    filer = TownshipStaffFactory(township=township1)
    for person in PersonFactory.create_batch(count, township=township1):
        Application.objects.create(
            person=person, programme=programme, amount=100, reason="病", filed_by=filer
        )
    for user in (officer, town1):
        client = client_for(user)
        with django_assert_num_queries(10 if user is town1 else 9):
            page = client.get(reverse("relief:applications"), {"status": "submitted"})
        assert len(page.context["page"]) == min(count, 30)


def test_the_applications_list_is_newest_first(client_for, town1, township1):
    programme = TemporaryAssistanceFactory()
    filer = TownshipStaffFactory(township=township1)
    first, second = (
        Application.objects.create(
            person=PersonFactory(township=township1),
            programme=programme,
            amount=100,
            reason="病",
            filed_by=filer,
        )
        for _ in range(2)
    )
    listed = list(client_for(town1).get(reverse("relief:applications")).context["page"])
    assert listed == [second, first]


# --- Conflicts and transfers --------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 35])
def test_the_transfers_page_runs_the_same_queries_however_many_conflicts(
    client_for, officer, town2, township1, township2, count, django_assert_num_queries
):
    for person in PersonFactory.create_batch(count, township=township1):
        conflict = RegistrationConflict.objects.create(
            person=person, township=township2, asked_by=town2, masked_id=person.masked_id
        )
        if person.pk % 2:
            TransferRequest.objects.create(
                person=person,
                from_township=township1,
                to_township=township2,
                village="新村",
                reason="搬家",
                conflict=conflict,
                requested_by=town2,
                status=TransferStatus.REFUSED,
                decided_by=officer,
            )
    client = client_for(officer)
    with django_assert_num_queries(11):
        page = client.get(reverse("relief:transfers"))
    assert len(page.context["open_conflicts"]) == min(count, 30)
    decided = list(page.context["decided"])
    assert [t.requested_at for t in decided] == sorted(
        (t.requested_at for t in decided), reverse=True
    )


@pytest.mark.parametrize("months", [2, 40])
def test_the_batches_page_lists_a_page_of_batches_newest_first(
    client_for, officer, months, django_assert_num_queries
):
    programme = ProgrammeFactory()
    for month in range(months):
        DisbursementBatch.objects.create(
            programme=programme,
            period=f"{2024 + month // 12}-{month % 12 + 1:02d}",
            created_by=officer,
        )
    client = client_for(officer)
    # savepoints, session, user, menu, programmes for the form, count, page, session save
    with django_assert_num_queries(10):
        listed = list(client.get(reverse("relief:batches")).context["batches"])
    assert len(listed) == min(months, 30)
    assert [b.period for b in listed] == sorted((b.period for b in listed), reverse=True)
