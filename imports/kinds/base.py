"""What every kind of import shares: columns, the outcome of a check, header and choice
lookups."""

import re
from dataclasses import dataclass, field

from django.utils import translation

from institutions.models import Township

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
