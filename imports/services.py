"""The import pipeline: rows of a workbook → the app's form per row → one bulk write.

Checks: each row through the app's own form (imports.forms), keys repeated within the file,
and keys against the database in one query per key. Lookups are made once per import, never
per row, so an import's queries do not grow with its rows (beyond bulk_create's batches).

Idempotent on natural keys (an institution's credit code, a person's ID number): a row
whose key is already registered in the user's scope is counted as "already registered" and
left as it is: re-importing a file changes nothing, and an import never overwrites what
staff have edited since. Changing a record is done on its page. A key registered outside
the user's scope is an error that does not say where, and (as relief records a form's
attempt) confirming the import records the attempt for the bureau as a RegistrationConflict.

Never log an ID number: nothing here logs row values, and rejects go back only to the user
who uploaded the file (they need the number to correct it).
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.debug import sensitive_variables
from simple_history.utils import bulk_create_with_history

from config.counts import invalidate
from duty_roster.models import Holiday, Shift
from duty_roster.services.roster import can_manage_post, create_shift, posts_for, validate_shift
from imports.forms import (
    Ambiguous,
    CategoryImportForm,
    HolidayImportForm,
    InstitutionImportForm,
    PersonImportForm,
    ShiftImportForm,
)
from institutions.models import (
    FireRiskLevel,
    HospitalLevel,
    Institution,
    InstitutionKind,
    Operator,
    Township,
)
from relief.models import (
    Category,
    DuplicateStatus,
    Person,
    PersonCategory,
    RegistrationConflict,
)
from relief.validators import birth_date_of, mask_id_number, sex_of

BATCH_SIZE = 1000
CATEGORY_SEPARATORS = re.compile(r"[、,，;；/\s]+")
TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"", "否", "无", "n", "no", "false", "0", "×"}


@dataclass
class Column:
    name: str
    label: object  # lazy text: the header, in the user's language
    example: object = ""
    choices: type | None = None  # TextChoices: labels and values both accepted
    boolean: bool = False


@dataclass
class RowError:
    row: int
    column: str  # header text, or "" for the whole row
    message: str


@dataclass
class Checked:
    """The outcome of checking a file: what to create, what is there already, what is wrong."""

    valid: list = field(default_factory=list)  # (row number, prepared objects)
    existing: list = field(default_factory=list)  # row numbers already registered
    errors: list = field(default_factory=list)  # RowError
    rows: dict = field(default_factory=dict)  # row number -> values as read
    # Records of numbers held by another township, kept for the bureau when the user
    # confirms (relief's rule: the attempt is recorded even when nothing is registered).
    conflicts: list = field(default_factory=list)

    @property
    def bad_rows(self):
        return sorted({error.row for error in self.errors})


def header_texts(column):
    """What a header may say: its label in Chinese or in English."""
    texts = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            texts.add(str(column.label))
    return texts


def _choice_lookup(choices):
    lookup = {}
    for value, label in choices.choices:
        lookup[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[str(label)] = value
    return lookup


class ImportKind:
    slug = ""
    title = ""
    description = ""
    columns: list = []

    def may_import(self, user):
        raise NotImplementedError

    def headers(self):
        return [(str(column.label), header_texts(column)) for column in self.columns]

    def example_row(self):
        return [column.example for column in self.columns]

    def form_data(self, values):
        data = {}
        for column, value in zip(self.columns, values, strict=True):
            if column.choices is not None:
                text = str(value).strip()
                value = self._lookups(column).get(text, text)
            elif column.boolean:
                text = str(value).strip().lower()
                if text in TRUE_WORDS:
                    value = "on"
                elif text in FALSE_WORDS:
                    value = ""
            data[column.name] = value
        return data

    def _lookups(self, column):
        cache = self.__dict__.setdefault("_choice_cache", {})
        if column.name not in cache:
            cache[column.name] = _choice_lookup(column.choices)
        return cache[column.name]

    def label_of(self, name):
        for column in self.columns:
            if column.name == name:
                return str(column.label)
        return ""

    def _add_form_errors(self, checked, number, form, names=None):
        for name, messages in form.errors.items():
            label = self.label_of((names or {}).get(name, name))
            for message in messages:
                checked.errors.append(RowError(number, label, message))


def townships_for(user):
    """The user's townships by name and by division code, in one query."""
    lookup = {}
    for township in Township.objects.visible_to(user):
        lookup[township.name] = township
        lookup[township.code] = township
    return lookup


# --- Institutions ------------------------------------------------------------


class InstitutionImport(ImportKind):
    slug = "institutions"
    title = gettext_lazy("Institutions")
    description = gettext_lazy("One row per institution, recognised by its credit code.")
    columns = [
        Column("name", pgettext_lazy("import column", "Institution name"), "羊册镇中心敬老院"),
        Column("kind", pgettext_lazy("import column", "Kind"), "养老机构", choices=InstitutionKind),
        Column("operator", pgettext_lazy("import column", "Operator"), "公办", choices=Operator),
        Column(
            "township", pgettext_lazy("import column", "Township (name or division code)"), "羊册镇"
        ),
        Column(
            "credit_code",
            pgettext_lazy("import column", "Unified social credit code"),
            "12411726MB00000016",
        ),
        Column(
            "fire_risk_level",
            pgettext_lazy("import column", "Fire risk level"),
            "高",
            choices=FireRiskLevel,
        ),
        Column("address", pgettext_lazy("import column", "Address"), "羊册镇政府街 1 号"),
        Column(
            "legal_representative", pgettext_lazy("import column", "Legal representative"), "张建国"
        ),
        Column(
            "legal_representative_phone",
            pgettext_lazy("import column", "Legal representative's phone"),
            "13803960001",
        ),
        Column("safety_officer", pgettext_lazy("import column", "Safety officer"), "李明"),
        Column(
            "safety_officer_phone",
            pgettext_lazy("import column", "Safety officer's phone"),
            "0396-7921234",
        ),
        Column("beds", pgettext_lazy("import column", "Beds"), 120),
        Column("residents", pgettext_lazy("import column", "Residents"), 86),
        Column(
            "residents_aged_80_plus",
            pgettext_lazy("import column", "Residents aged 80 or over"),
            31,
        ),
        Column(
            "designated_hospital",
            pgettext_lazy("import column", "Designated hospital"),
            "泌阳县人民医院",
        ),
        Column(
            "designated_hospital_level",
            pgettext_lazy("import column", "Hospital level"),
            "二级医院",
            choices=HospitalLevel,
        ),
        Column(
            "designated_hospital_phone",
            pgettext_lazy("import column", "Hospital phone"),
            "0396-7922120",
        ),
        Column(
            "has_sandwich_panels",
            pgettext_lazy("import column", "Sandwich colour-steel panels (yes/no)"),
            "否",
            boolean=True,
        ),
        Column("building_notes", pgettext_lazy("import column", "Building notes"), ""),
    ]

    def may_import(self, user):
        return user.can_register_institutions

    @sensitive_variables()
    def check(self, user, rows, progress=None):
        checked = Checked()
        townships = townships_for(user)
        forms = []
        for done, (number, values) in enumerate(rows, start=1):
            if progress:
                progress(done)
            checked.rows[number] = values
            data = self.form_data(values)
            data["is_active"] = "on"
            form = InstitutionImportForm(data, user=user, townships=townships)
            if form.is_valid():
                forms.append((number, form))
            else:
                self._add_form_errors(checked, number, form)
        codes = {form.cleaned_data["credit_code"] for _n, form in forms}
        names = {form.cleaned_data["name"] for _n, form in forms}
        by_code = dict(
            Institution.objects.filter(credit_code__in=codes)
            .order_by()
            .values_list("credit_code", "township_id")
        )
        names_taken = dict(
            Institution.objects.filter(name__in=names).order_by().values_list("name", "credit_code")
        )
        visible = {township.pk for township in townships.values()}
        seen_codes, seen_names = {}, {}
        code_label, name_label = self.label_of("credit_code"), self.label_of("name")
        for number, form in forms:
            code, name = form.cleaned_data["credit_code"], form.cleaned_data["name"]
            problems = []
            if code in seen_codes:
                problems.append(
                    (code_label, _("Repeats row %(row)d of this file.") % {"row": seen_codes[code]})
                )
            if name in seen_names:
                problems.append(
                    (name_label, _("Repeats row %(row)d of this file.") % {"row": seen_names[name]})
                )
            seen_codes.setdefault(code, number)
            seen_names.setdefault(name, number)
            if code in by_code and not problems:
                if by_code[code] in visible:
                    checked.existing.append(number)
                else:
                    checked.errors.append(
                        RowError(
                            number,
                            code_label,
                            _("Another institution is already registered with this credit code."),
                        )
                    )
                continue
            if name in names_taken and names_taken[name] != code:
                problems.append(
                    (name_label, _("Another institution is already registered with this name."))
                )
            for label, message in problems:
                checked.errors.append(RowError(number, label, message))
            if not problems:
                checked.valid.append((number, form.instance))
        return checked

    def save(self, user, checked):
        institutions = [instance for _number, instance in checked.valid]
        bulk_create_with_history(
            institutions, Institution, batch_size=BATCH_SIZE, default_user=user
        )
        invalidate("institutions")
        return len(institutions)


# --- People in difficulty ----------------------------------------------------


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
        registered = {
            id_number: (township_id, pk)
            for id_number, township_id, pk in Person.objects.filter(id_number__in=numbers)
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


# --- Holiday calendar ----------------------------------------------------------


class HolidayImport(ImportKind):
    """The State Council's holiday notice for a year: days off and adjusted working days."""

    slug = "holidays"
    title = gettext_lazy("Holiday calendar")
    description = gettext_lazy(
        "One row per day off or adjusted working day, recognised by its date."
    )
    columns = [
        Column("date", pgettext_lazy("import column", "Date"), "2027-02-06"),
        Column("kind", pgettext_lazy("import column", "Day"), "放假", choices=Holiday.Kind),
        Column("name", pgettext_lazy("import column", "Holiday"), "春节"),
        Column(
            "source", pgettext_lazy("import column", "Source (may be empty)"), "国务院办公厅通知"
        ),
    ]
    ALSO = {
        "放假": Holiday.Kind.HOLIDAY,
        "休息": Holiday.Kind.HOLIDAY,
        "上班": Holiday.Kind.WORKDAY,
    }

    def may_import(self, user):
        return user.is_active and user.is_county_wide

    def form_data(self, values):
        data = super().form_data(values)
        data["kind"] = self.ALSO.get(data["kind"], data["kind"])
        return data

    def check(self, user, rows, progress=None):
        checked = Checked()
        prepared = []
        for done, (number, values) in enumerate(rows, start=1):
            if progress:
                progress(done)
            checked.rows[number] = values
            form = HolidayImportForm(self.form_data(values))
            if form.is_valid():
                prepared.append((number, form.instance))
            else:
                self._add_form_errors(checked, number, form)
        known = set(
            Holiday.objects.filter(date__in={day.date for _n, day in prepared})
            .order_by()
            .values_list("date", flat=True)
        )
        seen = {}
        label = self.label_of("date")
        for number, day in prepared:
            if day.date in seen:
                message = _("Repeats row %(row)d of this file.") % {"row": seen[day.date]}
                checked.errors.append(RowError(number, label, message))
                continue
            seen[day.date] = number
            if day.date in known:
                checked.existing.append(number)
            else:
                checked.valid.append((number, day))
        return checked

    def save(self, user, checked):
        days = [day for _number, day in checked.valid]
        Holiday.objects.bulk_create(days, batch_size=BATCH_SIZE)
        return len(days)


# --- Duty rosters -------------------------------------------------------------


class RosterImport(ImportKind):
    """A period's shifts, per post, recognised by post and start.

    Each row is checked as a shift typed on the roster page: the same window, then the
    duty rules of `validate_shift` (overlaps at the post, people on duty elsewhere, on
    leave, or not staff of the post), and written by `create_shift`, which keeps them
    again under its locks. Those rules ask the database per shift, so a roster's queries
    grow with its rows; rosters are a holiday period's shifts (hundreds, not thousands),
    and MAX_ROWS keeps them so. Rows of one file are also checked against each other.
    """

    slug = "rosters"
    title = gettext_lazy("Duty roster")
    description = gettext_lazy("One row per shift, recognised by its post and start.")
    MAX_ROWS = 2000
    columns = [
        Column("post", pgettext_lazy("import column", "Duty post"), "羊册镇社会事务服务中心"),
        Column("starts_at", pgettext_lazy("import column", "Starts at"), "2027-02-06 08:30"),
        Column("ends_at", pgettext_lazy("import column", "Ends at"), "2027-02-07 08:30"),
        Column("leader", pgettext_lazy("import column", "Leader on duty"), "张建国"),
        Column(
            "officers",
            pgettext_lazy("import column", "Duty officers (separated by 、)"),
            "李明、王芳",
        ),
    ]

    def may_import(self, user):
        return user.is_active and (user.is_county_wide or user.is_township_staff)

    def lookups(self, user):
        posts = {}
        for post in posts_for(user).select_related("township"):
            if can_manage_post(user, post):
                posts[post.name] = post
        people = {}
        active = get_user_model().objects.visible_to(user).filter(is_active=True)
        for person in active.select_related("township", "institution"):
            people[person.username] = person
            if person.full_name and person.full_name != person.username:
                known = people.get(person.full_name)
                if known is None:
                    people[person.full_name] = person
                elif known is not person:
                    people[person.full_name] = Ambiguous()
        return posts, people

    def check(self, user, rows, progress=None):
        checked = Checked()
        if len(rows) > self.MAX_ROWS:
            message = _("A roster file holds at most %(count)d shifts; split it by period.")
            checked.errors.append(RowError(rows[0][0], "", message % {"count": self.MAX_ROWS}))
            return checked
        posts, people = self.lookups(user)
        prepared = []
        for done, (number, values) in enumerate(rows, start=1):
            if progress:
                progress(done)
            checked.rows[number] = values
            form = ShiftImportForm(self.form_data(values), posts=posts, people=people)
            if form.is_valid():
                prepared.append((number, form.cleaned_data))
            else:
                self._add_form_errors(checked, number, form)
        existing = set(
            Shift.objects.filter(
                post__in={shift["post"].pk for _n, shift in prepared},
                starts_at__in={shift["starts_at"] for _n, shift in prepared},
            )
            .order_by()
            .values_list("post_id", "starts_at")
        )
        for number, shift in prepared:
            if (shift["post"].pk, shift["starts_at"]) in existing:
                checked.existing.append(number)
                continue
            problem = self._clash_in_file(shift, checked.valid)
            if problem:
                checked.errors.append(RowError(number, *problem))
                continue
            try:
                validate_shift(**shift)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    for message in messages:
                        checked.errors.append(RowError(number, self.label_of(name), message))
                continue
            checked.valid.append((number, shift))
        return checked

    def _clash_in_file(self, shift, accepted):
        people = {shift["leader"].pk, *(person.pk for person in shift["officers"])}
        for number, other in accepted:
            if not (
                other["starts_at"] < shift["ends_at"] and shift["starts_at"] < other["ends_at"]
            ):
                continue
            if other["post"].pk == shift["post"].pk:
                message = _("Overlaps the shift of row %(row)d at the same post.")
                return (self.label_of("starts_at"), message % {"row": number})
            if people & {other["leader"].pk, *(person.pk for person in other["officers"])}:
                message = _("Someone here is on duty at another post in row %(row)d at that time.")
                return (self.label_of("officers"), message % {"row": number})
        return None

    def save(self, user, checked):
        for _number, shift in checked.valid:
            create_shift(user=user, **shift)
        return len(checked.valid)


KINDS = {
    kind.slug: kind
    for kind in (InstitutionImport(), PersonImport(), RosterImport(), HolidayImport())
}


def kinds_for(user):
    return [kind for kind in KINDS.values() if kind.may_import(user)]


@dataclass
class Outcome:
    created: int
    existing: int
    rejected: int
    written: bool


def run_import(*, kind, user, rows, valid_only=False, progress=None):
    """Check `rows` and write them: all or nothing, or the valid rows only.

    `progress(n)`, when given, is called as each row has been checked."""
    if not kind.may_import(user):
        raise PermissionDenied
    checked = kind.check(user, rows, progress=progress)
    with transaction.atomic():
        for conflict in checked.conflicts:
            conflict.asked_by = user
        _record_conflicts(checked.conflicts)
        if checked.errors and not valid_only:
            return checked, Outcome(0, len(checked.existing), len(checked.bad_rows), False)
        created = kind.save(user, checked)
    return checked, Outcome(created, len(checked.existing), len(checked.bad_rows), True)


def _record_conflicts(conflicts):
    """Record each attempt once: importing the same file again adds no second record of
    an attempt the bureau has not resolved yet."""
    if not conflicts:
        return
    open_ones = set(
        RegistrationConflict.objects.open()
        .filter(person_id__in={conflict.person_id for conflict in conflicts})
        .values_list("person_id", "township_id")
    )
    new = [c for c in conflicts if (c.person_id, c.township.pk) not in open_ones]
    if new:
        RegistrationConflict.objects.bulk_create(new)
        invalidate("relief")


def rejects_sheet(kind, checked):
    """The rejected rows as they were read, with a reason column, for config.xlsx."""
    reasons = {}
    for error in checked.errors:
        text = f"{error.column}：{error.message}" if error.column else error.message
        reasons.setdefault(error.row, []).append(text)
    headers = [str(column.label) for column in kind.columns] + [_("Reason")]
    rows = ([*checked.rows[number], "；".join(reasons[number])] for number in sorted(reasons))
    return (_("Rejected rows"), headers, rows, None)
