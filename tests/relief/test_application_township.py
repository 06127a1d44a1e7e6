"""An application carries its township: the person's when it is filed, moved with the person
on an approved transfer. A township's clerks see and review their township's applications
by it, read from an index, at the same cost however many the county holds."""

import datetime
import io
from contextlib import redirect_stdout
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from relief import services
from relief.home import panels
from relief.models import Application, ApplicationStatus
from tests.factories import TownshipFactory, TownshipStaffFactory
from tests.relief.factories import (
    ApplicationFactory,
    PersonFactory,
    TemporaryAssistanceFactory,
    id_number,
)


def file(person, clerk=None):
    return services.file_application(
        user=clerk or TownshipStaffFactory(township=person.township),
        person=person,
        programme=TemporaryAssistanceFactory(),
        amount=Decimal(100),
        reason="病",
    )


# --- Set on filing, moved on transfer ------------------------------------------------------


def test_an_application_is_filed_in_the_persons_township(township1):
    application = file(PersonFactory(township=township1))
    application.refresh_from_db()
    assert application.township == township1


def test_an_application_created_directly_takes_the_persons_township(township2, town1):
    person = PersonFactory(township=township2)
    application = Application.objects.create(
        person=person,
        programme=TemporaryAssistanceFactory(),
        amount=100,
        reason="病",
        filed_by=TownshipStaffFactory(township=township2),
    )
    application.refresh_from_db()
    assert application.township_id == township2.pk


def test_an_approved_transfer_moves_the_persons_applications_with_them(
    client_for, officer, town1, town2, township1, township2
):
    person = PersonFactory(township=township1, id_number=id_number(7))
    decided = file(person)
    services.review_application(application=decided, user=town1)
    services.approve_application(application=decided, user=officer)
    stays = file(PersonFactory(township=township1))  # someone else's, in the old township
    with pytest.raises(services.IdNumberTaken) as refused:
        services.register_person(
            user=town2, township=township2, village="马谷田村", name="x", id_number=person.id_number
        )
    transfer = services.request_transfer(
        conflict=refused.value.conflict, user=town2, village="马谷田村", reason="随子女迁居"
    )

    services.approve_transfer(transfer=transfer, user=officer)

    decided.refresh_from_db()
    stays.refresh_from_db()
    assert (decided.township, stays.township) == (township2, township1)
    listed = {
        user: set(client_for(user).get(reverse("relief:applications")).context["page"])
        for user in (town1, town2)
    }
    assert listed == {town1: {stays}, town2: {decided}}


def test_a_refused_transfer_leaves_the_applications_where_they_are(
    officer, town1, town2, township1, township2
):
    person = PersonFactory(township=township1, id_number=id_number(8))
    application = file(person)
    services.review_application(application=application, user=town1)
    services.reject_application(application=application, user=officer, note="收入超标")
    with pytest.raises(services.IdNumberTaken) as refused:
        services.register_person(
            user=town2, township=township2, village="马谷田村", name="x", id_number=person.id_number
        )
    transfer = services.request_transfer(
        conflict=refused.value.conflict, user=town2, village="马谷田村", reason="随子女迁居"
    )
    services.refuse_transfer(transfer=transfer, user=officer, note="号码录入错误")
    application.refresh_from_db()
    assert application.township == township1


# --- Scope: a clerk sees their own township's ---------------------------------------------


@pytest.fixture
def one_in_each(township1, township2):
    return (
        ApplicationFactory(person=PersonFactory(township=township1)),
        ApplicationFactory(person=PersonFactory(township=township2)),
    )


def test_a_clerk_lists_only_their_townships_applications(client_for, town1, officer, one_in_each):
    mine, theirs = one_in_each
    for status in (None, "submitted"):
        query = {"status": status} if status else {}
        page = client_for(town1).get(reverse("relief:applications"), query).context["page"]
        assert list(page) == [mine]
    everyone = client_for(officer).get(reverse("relief:applications")).context["page"]
    assert set(everyone) == {mine, theirs}


def test_a_clerk_waits_only_for_their_townships_applications(client_for, town1, one_in_each):
    mine, _theirs = one_in_each
    home = client_for(town1).get(reverse("relief:index"))
    assert list(home.context["waiting"]) == [mine]
    assert panels(town1)[0]["waiting"] == 1
    assert list(Application.objects.waiting_for(town1)) == [mine]


def test_a_clerk_cannot_review_another_townships_application(client_for, town1, one_in_each):
    _mine, theirs = one_in_each
    response = client_for(town1).post(
        reverse("relief:application_action", args=[theirs.pk, "review"])
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ApplicationStatus.SUBMITTED


def test_the_scope_follows_the_applications_township(client_for, town1, township2, one_in_each):
    """The clerk's pages read the application's own township, not the person's."""
    mine, _theirs = one_in_each
    Application.objects.filter(pk=mine.pk).update(township=township2)
    assert list(client_for(town1).get(reverse("relief:applications")).context["page"]) == []
    assert list(Application.objects.waiting_for(town1)) == []


# --- The same cost at any size ------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 40])
def test_a_clerks_relief_home_runs_the_same_queries_however_many_wait(
    client_for, town1, township1, township2, count, django_assert_num_queries
):
    filer = TownshipStaffFactory(township=township1)
    programme = TemporaryAssistanceFactory()
    for township in (township1, township2):
        for person in PersonFactory.create_batch(count, township=township):
            ApplicationFactory(person=person, programme=programme, filed_by=filer)
    client = client_for(town1)
    # savepoints (4), session, user, visit rules (2, no rule: no overdue list), the clerk's
    # township, the waiting page (the waiting count is the panel's, on the site home), the
    # township's rosters, session save: the same for 2 and for 40 waiting in each township
    with django_assert_num_queries(12):
        response = client.get(reverse("relief:index"))
    assert len(response.context["waiting"]) == min(count, 30)
    assert {a.township_id for a in response.context["waiting"]} == {township1.pk}


@pytest.mark.parametrize("count", [2, 40])
def test_a_clerks_applications_list_runs_the_same_queries_however_many(
    client_for, town1, township1, township2, count, django_assert_num_queries
):
    programme = TemporaryAssistanceFactory()
    for township in (township1, township2):
        filer = TownshipStaffFactory(township=township)
        for person in PersonFactory.create_batch(count, township=township):
            ApplicationFactory(person=person, programme=programme, filed_by=filer)
    client = client_for(town1)
    with django_assert_num_queries(10):
        page = client.get(reverse("relief:applications")).context["page"]
    assert len(page) == min(count, 30)
    assert {a.township_id for a in page} == {township1.pk}


# --- Existing applications are filled from their person -----------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_township_from_the_person(settings):
    # Rows made with today's models in an older schema, whose history tables lack what
    # they have grown since (the client address, the histories added later): no history.
    settings.SIMPLE_HISTORY_ENABLED = False
    before = [("relief", "0008_batch_period_index")]
    executor = MigrationExecutor(connection)
    final = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        township = TownshipFactory(code="411726985")
        clerk = TownshipStaffFactory(township=township)
        # In clear, as the schema then stored it (0014 encrypts it on the way forward).
        person = old.get_model("relief", "Person").objects.create(
            township_id=township.pk,
            village="王庄村",
            name="王秀英",
            id_number=id_number(85),
            birth_date=datetime.date(1950, 3, 7),
            sex="male",
        )
        programme = TemporaryAssistanceFactory()
        OldApplication = old.get_model("relief", "Application")
        application = OldApplication.objects.create(
            person_id=person.pk,
            programme_id=programme.pk,
            amount=100,
            reason="x",
            filed_by_id=clerk.pk,
        )
        with redirect_stdout(io.StringIO()):
            MigrationExecutor(connection).migrate(final)
        assert Application.objects.get(pk=application.pk).township_id == township.pk
        column = next(
            c
            for c in connection.introspection.get_table_description(
                connection.cursor(), "relief_application"
            )
            if c.name == "township_id"
        )
        assert not column.null_ok
    finally:
        MigrationExecutor(connection).migrate(final)
