"""Duty rosters: a period's shifts per post, recognised by post and start."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from duty_roster.models import Shift
from duty_roster.services.roster import can_manage_post, create_shift, posts_for, validate_shift
from imports.forms import Ambiguous, ShiftImportForm
from imports.kinds.base import (
    Checked,
    Column,
    ImportKind,
    RowError,
)


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
