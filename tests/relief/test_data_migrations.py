"""Migration 0003 makes existing rows follow the new rules without destroying any."""

import importlib
import io
from contextlib import redirect_stdout

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from relief.models import Payment, RegistrationConflict
from tests.factories import TownshipFactory, TownshipStaffFactory
from tests.relief.factories import PersonFactory, ProgrammeFactory

migration = importlib.import_module("relief.migrations.0003_normalise_and_separate_duties")

NUMBER = "11010519491231002X"
FULL_WIDTH = "１１０１０５１９４９１２３１００２ｘ"


def stored_as(row, **values):
    """Store values as typed, the way rows were saved before the fields normalised them."""
    table = type(row)._meta.db_table
    with connection.cursor() as cursor:
        for column, value in values.items():
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, row.pk])  # noqa: S608


def run(function):
    with redirect_stdout(io.StringIO()) as out:
        result = function(current_apps)
    return result, out.getvalue()


def test_a_full_width_number_with_no_twin_is_normalised_in_place(db):
    person = PersonFactory()
    stored_as(person, id_number=FULL_WIDTH, phone="１３９ ０３９６ ０００１")
    run(migration.normalise_id_numbers)
    person.refresh_from_db()
    assert (person.id_number, person.phone) == (NUMBER, "13903960001")


def test_a_full_width_twin_of_a_registered_number_is_flagged_not_changed(db):
    registered = PersonFactory(id_number=NUMBER)
    twin = PersonFactory()
    stored_as(twin, id_number=FULL_WIDTH)
    clashes, said = run(migration.normalise_id_numbers)
    twin.refresh_from_db()
    registered.refresh_from_db()
    assert clashes == [(twin.pk, registered.pk)]
    assert (twin.id_number, registered.id_number) == (FULL_WIDTH, NUMBER)
    assert twin.duplicate_status == registered.duplicate_status == "flagged"
    conflict = RegistrationConflict.objects.get()
    assert (conflict.person, conflict.duplicate, conflict.asked_by) == (registered, twin, None)
    assert "NOT normalised" in said and NUMBER not in said


def test_a_full_width_payment_month_is_normalised_unless_it_pays_twice(db):
    programme = ProgrammeFactory()
    once, twice = PersonFactory(), PersonFactory()
    single = Payment.objects.create(
        person=once, programme=programme, period="２０２７-01", amount=1
    )
    Payment.objects.create(person=twice, programme=programme, period="2027-01", amount=1)
    double = Payment.objects.create(
        person=twice, programme=programme, period="２０２７-01", amount=1
    )
    clashes, _said = run(migration.normalise_periods)
    single.refresh_from_db()
    double.refresh_from_db()
    assert (single.period, double.period, clashes) == ("2027-01", "２０２７-01", [double.pk])


@pytest.mark.django_db(transaction=True)
def test_an_application_reviewed_by_its_filer_goes_back_to_township_review(settings):
    # Rows made with today's models in an older schema, whose history tables lack what
    # they have grown since (the client address, the histories added later): no history.
    settings.SIMPLE_HISTORY_ENABLED = False
    before = [("relief", "0002_id_number_conflicts_transfers_and_two_person_rules")]
    executor = MigrationExecutor(connection)
    final = executor.loader.graph.leaf_nodes("relief")
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        township = TownshipFactory(code="411726984")
        clerk = TownshipStaffFactory(township=township)
        person = PersonFactory(township=township)
        programme = ProgrammeFactory(kind="one_off")
        Application = old.get_model("relief", "Application")
        application = Application.objects.create(
            person_id=person.pk,
            programme_id=programme.pk,
            amount=100,
            reason="x",
            status="reviewed",
            filed_by_id=clerk.pk,
            reviewed_by_id=clerk.pk,
        )
        with redirect_stdout(io.StringIO()):
            MigrationExecutor(connection).migrate(final)
        application = Application.objects.get(pk=application.pk)
        assert (application.status, application.reviewed_by_id) == ("submitted", None)
        assert "两人审核" in application.decision_note
    finally:
        MigrationExecutor(connection).migrate(final)


def test_the_normalised_number_equals_what_the_form_stores():
    from relief.validators import normalize_id_number

    for typed in (FULL_WIDTH, " 110105\u3000194912 31002x"):
        assert migration.normalize_identifier(typed) == normalize_id_number(typed)
