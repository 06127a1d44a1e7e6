"""ID numbers and phone numbers encrypted at rest, found and kept unique through a keyed digest."""

import datetime
import io

import environ
import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from config.crypto import convert_columns, field_keys_from_environment, keyed_digest
from imports.services import KINDS, run_import
from relief import services
from relief.models import Person
from relief.validators import mask_phone
from tests.factories import TownshipStaffFactory
from tests.imports.helpers import id_number as import_id_number
from tests.imports.helpers import person_row
from tests.relief.factories import PersonFactory, id_number

pytestmark = pytest.mark.django_db

NUMBER = id_number(3, born=datetime.date(1951, 6, 9))
PHONE = "13903960001"
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(table, column, pk, key="id"):
    """The value as PostgreSQL holds it, read past the model."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {key} = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def register(user, township, number=NUMBER, **extra):
    return services.register_person(
        user=user, township=township, village="王庄村", name="王秀英", id_number=number, **extra
    )


def test_the_database_holds_no_clear_id_number_or_phone(town1, township1):
    person = register(town1, township1, phone=PHONE)
    token = stored("relief_person", "id_number", person.pk)
    assert token.startswith("gAAAAA") and NUMBER not in token and NUMBER[6:14] not in token
    assert PHONE not in stored("relief_person", "phone", person.pk)
    assert stored("relief_person", "id_number_digest", person.pk) == keyed_digest(NUMBER)
    history = person.history.get().history_id
    assert PHONE not in stored("relief_historicalperson", "phone", history, key="history_id")
    person = Person.objects.get(pk=person.pk)
    assert (person.id_number, person.phone, person.masked_id) == (
        NUMBER,
        PHONE,
        NUMBER[:4] + "*" * 10 + NUMBER[-4:],
    )


def test_a_users_phone_is_encrypted_too(township1):
    user = TownshipStaffFactory(township=township1, phone="139 0396 0002")
    assert "13903960002" not in stored("institutions_user", "phone", user.pk)
    user.refresh_from_db()
    assert user.phone == "13903960002"


def test_the_same_number_never_encrypts_the_same_way(township1):
    one = PersonFactory(township=township1, phone=PHONE)
    two = PersonFactory(township=township1, phone=PHONE)
    assert stored("relief_person", "phone", one.pk) != stored("relief_person", "phone", two.pk)


def test_a_person_is_found_by_the_whole_number_however_typed(township1):
    person = PersonFactory(township=township1, id_number=NUMBER)
    PersonFactory(township=township1)
    wide = " " + NUMBER.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert list(Person.objects.with_id_number(wide)) == [person]
    assert list(Person.objects.with_id_numbers([NUMBER, id_number(40)])) == [person]


def test_a_lookup_on_the_encrypted_column_is_refused_not_silently_empty(township1):
    PersonFactory(township=township1, id_number=NUMBER, phone=PHONE)
    with pytest.raises(FieldError, match="digest"):
        list(Person.objects.filter(id_number=NUMBER))


def test_a_search_by_phone_finds_nobody_and_no_phone_is_still_found(township1):
    # Pickers search names, usernames and phones together: the phone part finds nothing.
    with_phone = PersonFactory(township=township1, phone=PHONE)
    without = PersonFactory(township=township1)
    assert list(Person.objects.filter(phone__contains="0396")) == []
    assert list(Person.objects.filter(phone=PHONE)) == []
    assert list(Person.objects.filter(phone="")) == [without]
    assert list(Person.objects.exclude(phone="")) == [with_phone]


def test_the_digest_keeps_a_number_unique_in_the_database(township1):
    PersonFactory(township=township1, id_number=NUMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person(township=township1, village="x", name="另一人", id_number=NUMBER).save()


def test_a_second_registration_is_refused_with_the_chinese_message(town1, township1):
    register(town1, township1)
    with translation.override("zh-hans"), pytest.raises(services.IdNumberTaken) as refused:
        register(town1, township1, number=" " + NUMBER.lower())
    assert "已登记" in refused.value.message_dict["id_number"][0]
    assert Person.objects.count() == 1


def test_the_search_finds_a_whole_number_with_as_many_queries_as_a_name(
    client_for, town1, township1
):
    person = PersonFactory(township=township1, name="王秀英", id_number=NUMBER)
    PersonFactory.create_batch(3, township=township1)
    client = client_for(town1)
    client.get(reverse("relief:people"))  # the menu's and the count's caches warm
    counts = []
    for query in ({"q": "王秀"}, {"q": NUMBER}):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("relief:people"), query).context["page"]
        assert list(page) == [person]
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_import_finds_people_already_registered_through_the_digest(town1, township1):
    number = import_id_number(1)
    PersonFactory(township=township1, id_number=number, name="原名")
    with CaptureQueriesContext(connection) as queries:
        checked, outcome = run_import(
            kind=KINDS["people"], user=town1, rows=[(2, person_row(1)), (3, person_row(2))]
        )
    assert (outcome.created, outcome.existing, checked.errors) == (1, 1, [])
    assert Person.objects.with_id_number(number).get().name == "原名"
    # One lookup for the file's numbers, through the digests, never by the number itself.
    lookups = [q["sql"] for q in queries if "id_number_digest" in q["sql"] and "SELECT" in q["sql"]]
    assert len(lookups) == 1 and number not in lookups[0]


def test_rotation_re_encrypts_with_the_first_key_and_the_old_key_still_decrypts(
    settings, township1
):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    person = PersonFactory(township=township1, id_number=NUMBER, phone=PHONE)
    old_token = stored("relief_person", "id_number", person.pk)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    # Before the rotation: old tokens read with the old key, new values get the new one.
    assert Person.objects.get(pk=person.pk).id_number == NUMBER
    call_command("rotate_field_keys", batch=1, stdout=io.StringIO())
    token = stored("relief_person", "id_number", person.pk)
    assert token != old_token
    assert Fernet(NEW_KEY).decrypt(token.encode()).decode() == NUMBER
    assert Fernet(NEW_KEY).decrypt(stored("relief_person", "phone", person.pk).encode()) == (
        PHONE.encode()
    )
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key removed: everything still reads
    person = Person.objects.get(pk=person.pk)
    assert (person.id_number, person.phone) == (NUMBER, PHONE)
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY).decrypt(token.encode())


def test_a_new_hmac_key_finds_people_again_once_rotated(settings, township1):
    person = PersonFactory(township=township1, id_number=NUMBER)
    settings.FIELD_HMAC_KEY = "another-hmac-key-of-at-least-thirty-two-characters"
    assert not Person.objects.with_id_number(NUMBER).exists()
    call_command("rotate_field_keys", stdout=io.StringIO())
    assert list(Person.objects.with_id_number(NUMBER)) == [person]


def test_the_migration_step_encrypts_clear_rows_and_decrypts_them_back(township1):
    person = PersonFactory(township=township1, id_number=NUMBER, phone=PHONE)
    digests = {"id_number": "id_number_digest"}
    convert_columns(connection, "relief_person", ["id_number", "phone"], encrypting=False)
    assert stored("relief_person", "id_number", person.pk) == NUMBER  # as before 0014
    assert stored("relief_person", "phone", person.pk) == PHONE
    convert_columns(connection, "relief_person", ["id_number", "phone"], digests=digests)
    assert NUMBER not in stored("relief_person", "id_number", person.pk)
    assert list(Person.objects.with_id_number(NUMBER)) == [person]
    assert Person.objects.get(pk=person.pk).phone == PHONE


def test_production_refuses_to_start_without_real_keys(monkeypatch):
    monkeypatch.delenv("FIELD_ENCRYPTION_KEYS", raising=False)
    monkeypatch.delenv("FIELD_HMAC_KEY", raising=False)
    env = environ.Env()
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        field_keys_from_environment(env, production=True, secret_key="x" * 50)
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", f"{NEW_KEY},{OLD_KEY}")
    with pytest.raises(ImproperlyConfigured, match="FIELD_HMAC_KEY"):
        field_keys_from_environment(env, production=True, secret_key="x" * 50)
    monkeypatch.setenv("FIELD_HMAC_KEY", "h" * 40 + "abcdef")
    assert field_keys_from_environment(env, production=True, secret_key="x" * 50) == (
        [NEW_KEY, OLD_KEY],
        "h" * 40 + "abcdef",
    )
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", "not-a-key")
    with pytest.raises(ImproperlyConfigured, match="Fernet"):
        field_keys_from_environment(env, production=True, secret_key="x" * 50)


def test_a_local_run_derives_working_development_keys(monkeypatch):
    monkeypatch.delenv("FIELD_ENCRYPTION_KEYS", raising=False)
    monkeypatch.delenv("FIELD_HMAC_KEY", raising=False)
    keys, hmac_key = field_keys_from_environment(
        environ.Env(), production=False, secret_key="local"
    )
    assert Fernet(keys[0]).decrypt(Fernet(keys[0]).encrypt(b"x")) == b"x"
    assert len(hmac_key) >= 32 and hmac_key not in keys


def test_a_phone_is_masked_to_its_start_and_last_four_digits():
    assert mask_phone("13903960001") == "139****0001"
    assert mask_phone("0396-7921234") == "039*-***1234"


def test_the_admins_form_refuses_a_duplicate_beside_the_number(township1):
    PersonFactory(township=township1, id_number=NUMBER)
    duplicate = Person(township=township1, village="x", name="另一人", id_number=NUMBER)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        duplicate.validate_unique()
    assert refused.value.message_dict["id_number"] == ["该身份证号码已登记。"]
