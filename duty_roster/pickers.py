"""People pickers for rosters and swaps, usable on a phone.

Options say who each person is (name, place, role: two 张伟 are told apart), come only
from the post's township and the county staff, and never send a malformed id to the
database. A rotation is numbered by the user, and the roster follows the numbers.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# Ids are ASCII digits that fit any database's bigint: Django sends a 20-digit id in a
# multiple choice straight to the database, which SQLite cannot bind (a 500).
ID_PATTERN = re.compile(r"[0-9]{1,18}")
ORDER_PATTERN = re.compile(r"[0-9]{1,2}")


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
