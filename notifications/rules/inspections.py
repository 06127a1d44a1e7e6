"""Rules on hazards and inspections."""

import datetime

from django.db.models import Case, CharField, OuterRef, Value, When
from django.utils.translation import gettext as _

from notifications.rules.base import (
    ITERATOR_CHUNK,
    day_step,
    link,
    not_said,
    to_people,
    to_robots,
)


def ahead_or_today(field, scan, lead_days):
    """The rows due `lead_days` ahead or today, each with the step it is at ("d3", "d0")."""
    ahead = scan.today + datetime.timedelta(days=lead_days)
    rows = {f"{field}__in": [ahead, scan.today]}
    step = Case(
        When(**{field: scan.today}, then=Value("d0")),
        default=Value(f"d{lead_days}"),
        output_field=CharField(),
    )
    return rows, step


# --- Hazards -----------------------------------------------------------------


def _hazards(queryset):
    return queryset.values_list(
        "pk",
        "institution_id",
        "institution__township_id",
        "institution__name",
        "description",
        "deadline",
    ).iterator(chunk_size=ITERATOR_CHUNK)


def major_hazard_raised(rule, scan):
    from inspections.models import Hazard, Severity

    url = link("inspections:hazard")
    hazards = not_said(Hazard.objects.unresolved().filter(severity=Severity.MAJOR), rule, "")
    # Words are looked up once a scan, not once a row.
    title, body = _("Major hazard at %(institution)s"), _("%(what)s Deadline: %(deadline)s.")
    for pk, _institution, township, name, description, deadline in _hazards(hazards):
        key = f"{rule.code}:{pk}"
        message = {
            "subject_id": pk,
            "title": title % {"institution": name},
            "body": body % {"what": description[:200], "deadline": deadline},
            "url": url(pk),
        }
        yield from to_people(key, [*scan.township_staff[township], *scan.bureau], **message)
        yield from to_robots(key, [*scan.township_robots[township], *scan.bureau_robots], **message)


def hazard_deadline_near(rule, scan):
    from inspections.models import Hazard

    url = link("inspections:hazard")
    rows, step = ahead_or_today("deadline", scan, rule.lead_days or 0)
    hazards = Hazard.objects.unresolved().filter(**rows).annotate(notify_step=step)
    hazards = not_said(hazards, rule, OuterRef("notify_step"))
    today_title = _("Hazard due today at %(institution)s")
    ahead_title = _("Hazard due in %(days)d days at %(institution)s")
    for pk, institution, township, name, description, deadline in _hazards(hazards):
        step = (deadline - scan.today).days
        title = (today_title if step == 0 else ahead_title) % {"institution": name, "days": step}
        people = [*scan.institution_staff[institution], *scan.township_staff[township]]
        yield from to_people(
            f"{rule.code}:{pk}:d{step}",
            people,
            title=title,
            body=description[:200],
            url=url(pk),
            subject_id=pk,
            step=f"d{step}",
        )


def hazard_overdue(rule, scan):
    from inspections.models import Hazard

    url = link("inspections:hazard")
    today = day_step(scan.today)
    # Once under the bureau's supervision, hazard-supervised tells the township every day;
    # saying it twice a day in two words would teach people to skim both.
    overdue = not_said(Hazard.objects.overdue(scan.today).not_supervised(), rule, today)
    title = _("Hazard %(days)d days overdue at %(institution)s")
    for pk, _institution, township, name, description, deadline in _hazards(overdue):
        days = (scan.today - deadline).days
        yield from to_people(
            f"{rule.code}:{pk}:{today}",
            scan.township_staff[township],
            title=title % {"days": days, "institution": name},
            body=description[:200],
            url=url(pk),
            subject_id=pk,
            step=today,
        )


def hazard_supervised(rule, scan):
    """挂牌督办: every day while it is under the bureau's supervision and not closed, the
    supervising officer (or the whole bureau while nobody has taken it), the township and
    the robots. Closing it (销号) stops it."""
    from inspections.models import Hazard

    url = link("inspections:hazard")
    today = day_step(scan.today)
    supervised = not_said(Hazard.objects.supervised(), rule, today).values_list(
        "pk",
        "institution__township_id",
        "institution__name",
        "description",
        "supervision_deadline",
        "supervised_by_id",
        "supervision_reason",
    )
    for pk, township, name, description, deadline, officer, reason in supervised.iterator(
        chunk_size=ITERATOR_CHUNK
    ):
        key = f"{rule.code}:{pk}:{today}"
        message = {
            "title": _("Under the bureau's supervision (挂牌督办): %(institution)s")
            % {"institution": name},
            "body": _("%(what)s %(reason)s New deadline: %(deadline)s.")
            % {"what": description[:200], "reason": reason, "deadline": deadline},
            "url": url(pk),
            "subject_id": pk,
            "step": today,
        }
        bureau = [officer] if officer else scan.bureau
        yield from to_people(key, sorted({*bureau, *scan.township_staff[township]}), **message)
        yield from to_robots(key, [*scan.township_robots[township], *scan.bureau_robots], **message)


# --- Inspections -------------------------------------------------------------


def _inspectors(scan, level, institution, township):
    from inspections.models import Level

    if level == Level.SELF:
        return scan.institution_staff[institution]
    if level == Level.TOWNSHIP:
        return scan.township_staff[township]
    return scan.bureau


def _inspections(queryset):
    return queryset.values_list(
        "pk",
        "level",
        "institution_id",
        "institution__township_id",
        "institution__name",
        "version__template__name",
        "due_on",
    ).iterator(chunk_size=ITERATOR_CHUNK)


def inspection_due_soon(rule, scan):
    from inspections.models import Inspection

    url = link("inspections:fill")
    due, step = ahead_or_today("due_on", scan, rule.lead_days or 0)
    rows = Inspection.objects.due().filter(**due).annotate(notify_step=step)
    rows = not_said(rows, rule, OuterRef("notify_step"))
    today_title = _("%(checklist)s at %(institution)s is due today")
    ahead_title = _("%(checklist)s at %(institution)s is due in %(days)d days")
    for pk, level, institution, township, name, checklist, due_on in _inspections(rows):
        step = (due_on - scan.today).days
        title = (today_title if step == 0 else ahead_title) % {
            "checklist": checklist,
            "institution": name,
            "days": step,
        }
        yield from to_people(
            f"{rule.code}:{pk}:d{step}",
            _inspectors(scan, level, institution, township),
            title=title,
            url=url(pk),
            subject_id=pk,
            step=f"d{step}",
        )


def inspection_overdue(rule, scan):
    from inspections.models import Inspection

    url = link("inspections:fill")
    today = day_step(scan.today)
    rows = not_said(Inspection.objects.due().filter(due_on__lt=scan.today), rule, today)
    title = _("%(checklist)s at %(institution)s was due on %(date)s")
    for pk, level, institution, township, name, checklist, due_on in _inspections(rows):
        people = set(_inspectors(scan, level, institution, township))
        people.update(scan.township_staff[township])
        yield from to_people(
            f"{rule.code}:{pk}:{today}",
            sorted(people),
            title=title % {"checklist": checklist, "institution": name, "date": due_on},
            url=url(pk),
            subject_id=pk,
            step=today,
        )
