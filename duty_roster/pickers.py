"""People pickers for rosters and swaps, usable on a phone.

Options say who each person is (name, place, role: two 张伟 are told apart), come only
from the post's township and the county staff, and never send a malformed id to the
database. A rotation is numbered by the user, and the roster follows the numbers.
"""

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Ids are ASCII digits that fit any database's bigint: Django sends a 20-digit id in a
# multiple choice straight to the database, which SQLite cannot bind (a 500).
ID_PATTERN = re.compile(r"[0-9]{1,18}")
ORDER_PATTERN = re.compile(r"[0-9]{1,2}")


# A picker lists everyone it may offer when that is at most this many; beyond, it lists
# the people found by the page's search box and those already chosen (a county's
# township has thousands of people: a <select> of them all was megabytes of HTML).
PICKER_LIMIT = 50
SEARCH_MAX_LENGTH = 50


def people_matching(people, term):
    """People whose name or username contains the typed text (phones are encrypted at rest:
    they cannot be searched)."""
    if not term:
        return people.none()
    return people.filter(Q(full_name__contains=term) | Q(username__contains=term))


def chosen_ids(value):
    """The ids a picker's bound or initial value names (a pk, a list, a rotation dict)."""
    if value in (None, ""):
        return []
    if isinstance(value, dict):
        value = list(value)
    elif not isinstance(value, list | tuple):
        value = [value]
    ids = [getattr(item, "pk", item) for item in value]
    return [str(pk) for pk in ids if ID_PATTERN.fullmatch(str(pk))]


def first_few(queryset):
    """The first PICKER_LIMIT + 1 of a picker's queryset: all of it when that few."""
    return list(queryset[: PICKER_LIMIT + 1])


def offer_at_most(field, *, term, chosen, matching=people_matching, first=None):
    """Let `field`'s widget list at most PICKER_LIMIT of its queryset: all of them when
    that few; otherwise the chosen ones, then those `matching` the search `term` (or, with
    no term, the first in order). The field still validates against its whole queryset
    (the user's scope), so a choice sent from a search is checked on the server as any
    other. `first` is first_few(field.queryset) when the caller has it already. Returns
    True when the list is cut (the page then offers its search box)."""
    queryset = field.queryset
    first = first_few(queryset) if first is None else first
    cut = len(first) > PICKER_LIMIT
    if cut:
        shown = list(queryset.filter(pk__in=chosen)) if chosen else []
        known = {item.pk for item in shown}
        found = matching(queryset, term)[:PICKER_LIMIT] if term else first[:PICKER_LIMIT]
        shown += [item for item in found if item.pk not in known]
    else:
        shown = first
    if isinstance(field, RotationField):
        field.widget.choices = shown
    else:
        label = getattr(field, "empty_label", None)
        empty = [] if label is None else [("", label)]
        field.widget.choices = empty + [
            (item.pk, field.label_from_instance(item)) for item in shown
        ]
    return cut


def person_label(person):
    if person.institution_id:
        place = person.institution.name
    elif person.township_id:
        place = person.township.name
    else:
        place = _("County bureau")
    return f"{person.display_name}（{place} · {person.get_role_display()}）"


def check_ids(field, values):
    for value in values:
        if not ID_PATTERN.fullmatch(str(value)):
            raise forms.ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class PersonChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            check_ids(self, [value])
        return super().to_python(value)

    def label_from_instance(self, obj):
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def _check_values(self, value):
        if isinstance(value, list | tuple):
            check_ids(self, value)
        return super()._check_values(value)

    def label_from_instance(self, obj):
        return person_label(obj)


class RotationWidget(forms.Widget):
    """A numbered list: a small number box beside each person (name_<id>=<turn>)."""

    template_name = "duty_roster/widgets/rotation.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = ()

    def value_from_datadict(self, data, files, name):
        prefix = f"{name}_"
        return {
            key.removeprefix(prefix): data[key].strip()
            for key in data
            if key.startswith(prefix) and isinstance(data[key], str) and data[key].strip()
        }

    def value_omitted_from_data(self, data, files, name):
        return not any(key.startswith(f"{name}_") for key in data)

    def id_for_label(self, id_):
        return None  # one box per person, each labelled with that person

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, dict):
            turns = value
        else:  # initial: people already in order
            turns = {str(person.pk): str(n) for n, person in enumerate(value or [], start=1)}
        context["widget"]["rows"] = [
            {
                "name": f"{name}_{person.pk}",
                "label": person_label(person),
                "value": turns.get(str(person.pk), ""),
            }
            for person in self.choices
        ]
        return context


class RotationField(forms.Field):
    """People in the order they take turns; cleans to a list of users in that order."""

    widget = RotationWidget
    default_error_messages = {
        "invalid_turn": _("Number the turns 1, 2, 3… (%(value)s is not a turn)."),
        "repeated_turn": _("Give each turn to one person only (%(value)s is given twice)."),
        "invalid_choice": _("Choose people from the list."),
    }

    def __init__(self, *, queryset, **kwargs):
        kwargs.setdefault(
            "help_text",
            _("Number the people in the order they take turns: 1 first, then 2, and so on."),
        )
        super().__init__(**kwargs)
        self.queryset = queryset

    @property
    def queryset(self):
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        self._queryset = queryset
        self.widget.choices = queryset

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self._queryset.all()
        return result

    def clean(self, value):
        value = value if isinstance(value, dict) else {}
        if not value:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        check_ids(self, value)
        turns = {}
        for pk, turn in value.items():
            if not ORDER_PATTERN.fullmatch(turn) or int(turn) < 1:
                raise forms.ValidationError(
                    self.error_messages["invalid_turn"], code="invalid_turn", params={"value": turn}
                )
            if int(turn) in turns:
                raise forms.ValidationError(
                    self.error_messages["repeated_turn"],
                    code="repeated_turn",
                    params={"value": turn},
                )
            turns[int(turn)] = pk
        people = {str(person.pk): person for person in self.queryset.filter(pk__in=value)}
        if len(people) != len(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return [people[turns[turn]] for turn in sorted(turns)]
