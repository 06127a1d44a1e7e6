"""Migration 0004 stores credit codes, division codes and phones in ASCII, clashes untouched."""

import importlib
import io
from contextlib import redirect_stdout

from django.apps import apps as current_apps
from django.db import connection

from config.crypto import encrypt
from institutions.models import Institution, User
from tests.factories import InstitutionFactory, UserFactory

migration = importlib.import_module("institutions.migrations.0004_normalise_identifiers")


def stored_as(row, **values):
    """Store values as typed, the way rows were saved before the fields normalised them."""
    table = type(row)._meta.db_table
    with connection.cursor() as cursor:
        for column, value in values.items():
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, row.pk])  # noqa: S608


def full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def run():
    with redirect_stdout(io.StringIO()) as out:
        result = migration.normalise_identifiers(current_apps, None)
    return result, out.getvalue()


def test_full_width_and_spaced_values_are_normalised_in_place(township1):
    institution = InstitutionFactory(township=township1)
    code = institution.credit_code
    user = UserFactory()
    stored_as(
        institution,
        credit_code=full_width(code.lower()),
        safety_officer_phone="０３９６－７９２１２３４",
        legal_representative_phone="139 0396 0001",
    )
    # Users' phones are encrypted at rest since 0011: the typed value, encrypted.
    stored_as(user, phone=encrypt("１３９－０３９６－０００１"))
    run()
    institution.refresh_from_db()
    user.refresh_from_db()
    assert institution.credit_code == code
    assert institution.safety_officer_phone == "0396-7921234"
    assert institution.legal_representative_phone == user.phone == "13903960001"


def test_a_credit_code_that_would_clash_is_left_and_reported(township1):
    first = InstitutionFactory(township=township1)
    second = InstitutionFactory(township=township1)
    variant = full_width(first.credit_code)
    stored_as(second, credit_code=variant)
    clashes, said = run()
    second.refresh_from_db()
    assert second.credit_code == variant
    assert clashes["institution credit code"] == [(second.pk, first.pk)]
    assert f"row {second.pk}" in said
    assert Institution.objects.filter(credit_code=first.credit_code).count() == 1
    assert User.objects.count() == 0
