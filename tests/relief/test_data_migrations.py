"""Migrations 0003 and 0014: existing rows follow the new rules, nothing destroyed, then encrypted."""

import datetime
import importlib
import io
from contextlib import contextmanager, redirect_stdout

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from relief.models import Application, Payment, Person, RegistrationConflict
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


def run(function, apps=current_apps):
    with redirect_stdout(io.StringIO()) as out:
        result = function(apps)
    return result, out.getvalue()


BEFORE_0003 = [("relief", "0002_id_number_conflicts_transfers_and_two_person_rules")]
# The newest relief migration, whatever it is: the schema the models of this code expect.
LATEST = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()


@contextmanager
def relief_at(target):
    """The relief schema as `target` left it, with its models; the newest schema again after.
    Rows are made with the old models, with no history (its tables lack later columns)."""
    MigrationExecutor(connection).migrate(target)
    try:
        yield MigrationExecutor(connection).loader.project_state(target).apps
    finally:
        with redirect_stdout(io.StringIO()):
            MigrationExecutor(connection).migrate(LATEST)


def old_person(old, township, number, **extra):
    """A person in clear, as 0003 found them (0014 encrypted them)."""
    return old.get_model("relief", "Person").objects.create(
        township_id=township.pk,
        village="王庄村",
        name="王秀英",
        id_number=number,
        birth_date=datetime.date(1949, 12, 31),
        sex="female",
        **extra,
    )


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
def test_rows_from_before_0003_come_out_normalised_flagged_separated_and_encrypted(settings):
    # One trip back to 0002 and forward again (each costs seconds): 0003 normalises and
    # flags, 0004 separates duties, 0014 encrypts what they left.
    settings.SIMPLE_HISTORY_ENABLED = False
    township = TownshipFactory(code="411726984")
    clerk = TownshipStaffFactory(township=township)
    programme = ProgrammeFactory(kind="one_off")
    with relief_at(BEFORE_0003) as old:
        alone = old_person(old, township, "110105194912310011")
        stored_as(
            alone,
            id_number="１１０１０５１９４９１２３１００１１",
            phone="１３９ ０３９６ ０００１",
        )
        registered = old_person(old, township, NUMBER)
        twin = old_person(old, township, "110105194912310038")
        stored_as(twin, id_number=FULL_WIDTH)
        application = old.get_model("relief", "Application").objects.create(
            person_id=registered.pk,
            programme_id=programme.pk,
            amount=100,
            reason="x",
            status="reviewed",
            filed_by_id=clerk.pk,
            reviewed_by_id=clerk.pk,
        )
        with redirect_stdout(io.StringIO()) as out:
            MigrationExecutor(connection).migrate(LATEST)
    said = out.getvalue()

    alone, registered, twin = (Person.objects.get(pk=p.pk) for p in (alone, registered, twin))
    assert (alone.id_number, alone.phone) == ("110105194912310011", "13903960001")
    assert (twin.id_number, registered.id_number) == (FULL_WIDTH, NUMBER)
    assert twin.duplicate_status == registered.duplicate_status == "flagged"
    conflict = RegistrationConflict.objects.get()
    assert (conflict.person, conflict.duplicate, conflict.asked_by) == (registered, twin, None)
    assert "NOT normalised" in said and NUMBER not in said
    application = Application.objects.get(pk=application.pk)
    assert (application.status, application.reviewed_by_id) == ("submitted", None)
    assert "两人审核" in application.decision_note
    assert list(Person.objects.with_id_number(NUMBER)) == [registered]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM relief_person")
        assert not {NUMBER, FULL_WIDTH, "110105194912310011"} & {row[0] for row in cursor}


def test_the_normalised_number_equals_what_the_form_stores():
    from relief.validators import normalize_id_number

    for typed in (FULL_WIDTH, " 110105\u3000194912 31002x"):
        assert migration.normalize_identifier(typed) == normalize_id_number(typed)
