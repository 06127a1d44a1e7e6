"""A list's filter in words, as its boxes show it (乡镇：羊册镇；状态：整改中), for the line
under a workbook's title. Shared by every domain's export source: a filter form (or a
django-filter FilterSet's form) is all it needs.
"""

import datetime


def filter_text(form, *, skip=()):
    """The valid, non-empty fields of a bound form as 标签：值, joined with ；. A value that
    did not validate is left out (the list ignored it too); `skip` names fields to leave
    out whatever they hold (one that another field makes redundant)."""
    if not form.is_bound:
        return ""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    parts = []
    for name, field in form.fields.items():
        value = data.get(name)
        if name in skip or value in (None, "", [], ()):
            continue
        parts.append(f"{field.label}：{_in_words(field, value, form.data.get(name))}")
    return "；".join(parts)


def _in_words(field, value, raw):
    if hasattr(value, "_meta"):  # a township, an institution, a checklist
        return str(value)
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    labels = {str(key): label for key, label in _choices(field)}
    if isinstance(value, list | tuple):
        return "、".join(str(labels.get(str(v), v)) for v in value)
    return str(labels.get(str(value), labels.get(str(raw), value)))


def _choices(field):
    choices = getattr(field, "choices", None) or getattr(field.widget, "choices", None) or ()
    # Grouped choices are (group, [(key, label), ...]); a filter form has none, but be safe.
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield key, label
