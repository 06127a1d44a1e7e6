"""Store every credit code, phone number and division code in ASCII without blanks.

Before 0003 a number typed with a Chinese input method's full-width digits, or with spaces,
passed validation and was stored as typed: a different string from the same number in
ASCII. This migration normalises such values in place. Where a normalised credit code or
division code would clash with another row's, both rows are left as they are and the clash
is printed: a person must decide which row is right (the institution's edit form then shows
"another institution is already registered with this credit code").

The normalisation is copied here, not imported, so that later changes to the validators do
not change what this migration did.
"""

import sys
import unicodedata

from django.db import migrations

DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-")
)


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


def normalise_unique(model, field, normalize, *, skip_empty=True):
    """Normalise `field` in place where no other row holds the normalised value.

    Returns the clashes as (pk, pk of the row already holding the value)."""
    clashes = []
    for pk, value in model.objects.order_by("pk").values_list("pk", field):
        if skip_empty and not value:
            continue
        normalised = normalize(value)
        if normalised == value:
            continue
        holder = (
            model.objects.filter(**{field: normalised}).exclude(pk=pk).values_list("pk", flat=True)
        ).first()
        if holder is not None:
            clashes.append((pk, holder))
            continue
        model.objects.filter(pk=pk).update(**{field: normalised})
    return clashes


def normalise_identifiers(apps, schema_editor):
    Institution = apps.get_model("institutions", "Institution")
    Township = apps.get_model("institutions", "Township")
    User = apps.get_model("institutions", "User")
    clashes = {
        "institution credit code": normalise_unique(
            Institution, "credit_code", normalize_identifier
        ),
        "township division code": normalise_unique(Township, "code", normalize_identifier),
    }
    phones = {
        Institution: ["legal_representative_phone", "safety_officer_phone", "designated_hospital_phone"],
        User: ["phone"],
    }
    for model, fields in phones.items():
        for row in model.objects.order_by("pk").values("pk", *fields):
            changed = {
                field: normalize_phone(row[field])
                for field in fields
                if row[field] and normalize_phone(row[field]) != row[field]
            }
            if changed:
                model.objects.filter(pk=row["pk"]).update(**changed)
    for what, pairs in clashes.items():
        for pk, holder in pairs:
            sys.stdout.write(
                f"\n  NOT normalised: {what} of row {pk} would equal that of row {holder}; "
                "decide which is right and correct the other by hand."
            )
    return clashes


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0003_credit_code_field_normalises"),
    ]

    operations = [
        migrations.RunPython(normalise_identifiers, migrations.RunPython.noop, elidable=True),
    ]
