"""Rules on institutions' preparedness: an emergency plan past its review date.

The wording is preparedness.reminders' (translated in that app's catalogue)."""

from notifications.rules.base import ITERATOR_CHUNK, link, not_said, to_people
from preparedness.reminders import RULE_DESCRIPTION, RULE_NAME, TITLE

__all__ = ["RULE_DESCRIPTION", "RULE_NAME", "plan_review_overdue"]


def week_step(day):
    """One reminder a plan per ISO week while it stays overdue."""
    return f"w{day:%G%V}"


def plan_review_overdue(rule, scan):
    """Every week while a current plan is past its review date: the institution's own staff
    and the staff of its township."""
    from preparedness.models import Plan, PlanKind

    url = link("preparedness:plan")
    step = week_step(scan.today)
    kinds = {value: str(label) for value, label in PlanKind.choices}
    overdue = not_said(
        Plan.objects.overdue(scan.today).filter(institution__is_active=True), rule, step
    )
    rows = overdue.values_list(
        "pk", "kind", "review_on", "institution_id", "institution__township_id", "institution__name"
    ).iterator(chunk_size=ITERATOR_CHUNK)
    for pk, kind, review_on, institution, township, name in rows:
        people = sorted({*scan.institution_staff[institution], *scan.township_staff[township]})
        yield from to_people(
            f"{rule.code}:{pk}:{step}",
            people,
            title=str(TITLE)
            % {"institution": name, "plan": kinds[kind], "date": f"{review_on:%Y-%m-%d}"},
            url=url(pk),
            subject_id=pk,
            step=step,
        )
