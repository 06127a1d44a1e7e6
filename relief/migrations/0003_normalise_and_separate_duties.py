"""Existing rows, made consistent with the new rules before 0004 adds its constraints.

1. ID numbers, phones and batch periods typed with full-width digits, a full-width X or
   spaces were stored as typed: a second spelling of the same number or month. They are
   normalised in place. Where the normalised ID number already belongs to another person,
   neither row is changed: both are flagged "likely duplicate" and a registration conflict
   (asked by "data check") puts the pair in the bureau's queue. Where a normalised payment
   period would equal another payment of the same person and programme, that payment (a
   double payment) is left as it is. Every such case is printed.
2. Applications reviewed (or decided) by the clerk who filed them: the reviewer is cleared
   and the decision note says so; one still waiting for the bureau goes back to township
   review. The history table keeps who did what.

The normalisation is copied here, not imported, so that later changes to the validators do
not change what this migration did.
"""

import sys
import unicodedata

from django.db import migrations
from django.db.models import F

DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-")
)
CLEARED_REVIEW_NOTE = "（原审核人即填报人，不符合两人审核规定，已由系统清除审核人。）"


def _is_blank(char):
    return char.isspace() or unicodedata.category(char) == "Cf"


def normalize_identifier(value):
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(char for char in text if not _is_blank(char)).upper()


def normalize_phone(value):
    phone = unicodedata.normalize("NFKC", value or "").translate(DASHES)
    phone = "".join(char for char in phone if not (_is_blank(char) or char in "()"))
    if phone.replace("-", "").startswith("1"):
        phone = phone.replace("-", "")
    return phone


def mask(value):
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) >= 8 else "*" * len(value)


def _say(line):
    sys.stdout.write(f"\n  {line}")


def normalise_id_numbers(apps):
    Person = apps.get_model("relief", "Person")
    RegistrationConflict = apps.get_model("relief", "RegistrationConflict")
    clashes = []
    for pk, number, township_id in Person.objects.order_by("pk").values_list(
        "pk", "id_number", "township_id"
    ):
        normalised = normalize_identifier(number)
        if normalised == number:
            continue
        holder = Person.objects.filter(id_number=normalised).exclude(pk=pk).first()
        if holder is None:
            Person.objects.filter(pk=pk).update(id_number=normalised)
            continue
        Person.objects.filter(pk__in=[pk, holder.pk]).update(duplicate_status="flagged")
        RegistrationConflict.objects.create(
            person=holder,
            township_id=township_id,
            asked_by=None,
            masked_id=mask(normalised),
            duplicate_id=pk,
        )
        clashes.append((pk, holder.pk))
        _say(
            f"NOT normalised: person {pk} has the ID number of person {holder.pk} "
            f"({mask(normalised)}) in another spelling; both flagged for the bureau."
        )
    for pk, phone in Person.objects.exclude(phone="").values_list("pk", "phone"):
        if normalize_phone(phone) != phone:
            Person.objects.filter(pk=pk).update(phone=normalize_phone(phone))
    return clashes


def normalise_periods(apps):
    Payment = apps.get_model("relief", "Payment")
    DisbursementBatch = apps.get_model("relief", "DisbursementBatch")
    clashes = []
    for payment in Payment.objects.order_by("pk"):
        normalised = normalize_identifier(payment.period)
        if normalised == payment.period:
            continue
        twin = Payment.objects.filter(
            person_id=payment.person_id, programme_id=payment.programme_id, period=normalised
        ).exclude(pk=payment.pk)
        if twin.exists():
            clashes.append(payment.pk)
            _say(
                f"NOT normalised: payment {payment.pk} pays person {payment.person_id} a second "
                f"time for programme {payment.programme_id}, {normalised}; check it by hand."
            )
            continue
        Payment.objects.filter(pk=payment.pk).update(period=normalised)
    for pk, period in DisbursementBatch.objects.values_list("pk", "period"):
        if normalize_identifier(period) != period:
            DisbursementBatch.objects.filter(pk=pk).update(period=normalize_identifier(period))
    return clashes


def separate_duties(apps):
    Application = apps.get_model("relief", "Application")
    DisbursementBatch = apps.get_model("relief", "DisbursementBatch")
    cleared = []
    for application in Application.objects.filter(reviewed_by=F("filed_by")):
        application.reviewed_by = None
        if application.status == "reviewed":
            application.status = "submitted"  # back to township review, by a colleague
        application.decision_note = f"{application.decision_note}{CLEARED_REVIEW_NOTE}".strip()
        application.save(update_fields=["reviewed_by", "status", "decision_note"])
        cleared.append(application.pk)
    for application in Application.objects.filter(decided_by=F("filed_by")):
        application.decided_by = None
        application.save(update_fields=["decided_by"])
        cleared.append(application.pk)
    if cleared:
        _say(
            f"Applications {sorted(set(cleared))}: reviewed or decided by their filer; "
            "the reviewer or decider was cleared (the history keeps who it was)."
        )
    batches = list(
        DisbursementBatch.objects.filter(approved_by=F("created_by")).values_list("pk", flat=True)
    )
    if batches:
        DisbursementBatch.objects.filter(pk__in=batches).update(approved_by=None)
        _say(f"Batches {batches}: approved by their maker; the approver was cleared.")
    return cleared


def forwards(apps, schema_editor):
    normalise_id_numbers(apps)
    normalise_periods(apps)
    separate_duties(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("relief", "0002_id_number_conflicts_transfers_and_two_person_rules"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
