"""People in difficulty with their categories, recognised by their ID number.

Never log an ID number: nothing here logs row values."""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.debug import sensitive_variables
from simple_history.utils import bulk_create_with_history

from config.counts import invalidate
from imports.forms import CategoryImportForm, PersonImportForm
from imports.kinds.base import (
    BATCH_SIZE,
    CATEGORY_SEPARATORS,
    Checked,
    Column,
    ImportKind,
    RowError,
    townships_for,
)
from relief.models import (
    Category,
    DuplicateStatus,
    Person,
    PersonCategory,
    RegistrationConflict,
)
from relief.validators import birth_date_of, mask_id_number, sex_of


class PersonImport(ImportKind):
    slug = "people"
    title = gettext_lazy("People in difficulty")
    description = gettext_lazy(
        "One row per person, recognised by the ID number, with their categories."
    )
    columns = [
        Column("name", pgettext_lazy("import column", "Name"), "王秀英"),
        Column("id_number", pgettext_lazy("import column", "ID number"), "411726195001010027"),
        Column(
            "township", pgettext_lazy("import column", "Township (name or division code)"), "羊册镇"
        ),
        Column("village", pgettext_lazy("import column", "Village or community"), "古城村"),
        Column("address", pgettext_lazy("import column", "Address"), "古城村三组 12 号"),
        Column("phone", pgettext_lazy("import column", "Phone"), "13803960002"),
        Column("monthly_income", pgettext_lazy("import column", "Own monthly income (yuan)"), "0"),
        Column(
            "categories",
            pgettext_lazy("import column", "Categories (separated by 、)"),
            "特困、孤寡/独居老人",
        ),
        Column("start_date", pgettext_lazy("import column", "Categories from"), "2024-01-01"),
        Column("end_date", pgettext_lazy("import column", "Categories until (may be empty)"), ""),
    ]
    CATEGORY_FIELDS = {"category": "categories", "start_date": "start_date", "end_date": "end_date"}

    def may_import(self, user):
        return user.is_active and (user.is_county_wide or user.is_township_staff)

    def _categories(self, text):
        lookup = self._lookups(Column("categories", "", choices=Category))
        # "孤寡/独居老人" is one label that holds a slash: take known labels first.
        text = str(text or "").strip()
        found = []
        for label in sorted(lookup, key=len, reverse=True):
            if label and label in text and "/" in label:
                found.append(lookup[label])
                text = text.replace(label, " ")
        return found + [lookup.get(part, part) for part in CATEGORY_SEPARATORS.split(text) if part]

    @sensitive_variables()
    def check(self, user, rows, progress=None):
        checked = Checked()
        townships = townships_for(user)
        prepared = []
        for done, (number, values) in enumerate(rows, start=1):
            if progress:
                progress(done)
            checked.rows[number] = values
            data = self.form_data(values)
            form = PersonImportForm(data, user=user, townships=townships)
            ok = form.is_valid()
            if not ok:
                self._add_form_errors(checked, number, form)
            categories = []
            for category in dict.fromkeys(self._categories(data["categories"])):
                category_form = CategoryImportForm(
                    {
                        "category": category,
                        "start_date": data["start_date"],
                        "end_date": data["end_date"],
                    }
                )
                if category_form.is_valid():
                    categories.append(category_form.instance)
                else:
                    ok = False
                    self._add_form_errors(checked, number, category_form, self.CATEGORY_FIELDS)
            if ok:
                prepared.append((number, form.instance, categories))
        numbers = {person.id_number for _n, person, _c in prepared}
        # One query through the keyed digests (the numbers themselves are encrypted).
        registered = {
            id_number: (township_id, pk)
            for id_number, township_id, pk in Person.objects.with_id_numbers(numbers)
            .order_by()
            .values_list("id_number", "township_id", "pk")
        }
        visible = {township.pk for township in townships.values()}
        seen = {}
        label = self.label_of("id_number")
        for number, person, categories in prepared:
            key = person.id_number
            if key in seen:
                message = _("Repeats row %(row)d of this file.") % {"row": seen[key]}
                checked.errors.append(RowError(number, label, message))
                continue
            seen[key] = number
            if key in registered:
                holder_township, holder = registered[key]
                if holder_township in visible:
                    checked.existing.append(number)
                else:
                    checked.conflicts.append(
                        RegistrationConflict(
                            person_id=holder,
                            township=person.township,
                            masked_id=mask_id_number(key),
                        )
                    )
                    checked.errors.append(
                        RowError(
                            number,
                            label,
                            _(
                                "This ID number is registered in another township. Contact the "
                                "county civil affairs bureau (县民政局) to check it."
                            ),
                        )
                    )
                continue
            person.birth_date = birth_date_of(person.id_number)
            person.sex = sex_of(person.id_number)
            checked.valid.append((number, (person, categories)))
        return checked

    def save(self, user, checked):
        people = [person for _number, (person, _categories) in checked.valid]
        bulk_create_with_history(people, Person, batch_size=BATCH_SIZE, default_user=user)
        held = []
        for _number, (person, categories) in checked.valid:
            for category in categories:
                category.person = person
                held.append(category)
        PersonCategory.objects.bulk_create(held, batch_size=BATCH_SIZE)
        _flag_likely_duplicates(people)
        invalidate("relief")
        return len(people)


def _flag_likely_duplicates(people):
    """relief's rule, in bulk: same township, name and birth date flags all of them."""
    if not people:
        return
    groups = (
        Person.objects.filter(
            township_id__in={person.township_id for person in people},
            name__in={person.name for person in people},
        )
        .values("township_id", "name", "birth_date")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
    )
    for group in groups:
        Person.objects.filter(
            township_id=group["township_id"], name=group["name"], birth_date=group["birth_date"]
        ).exclude(duplicate_status=DuplicateStatus.DISTINCT).update(
            duplicate_status=DuplicateStatus.FLAGGED
        )
