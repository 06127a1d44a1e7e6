"""Rules on hazards and inspections."""

import datetime

from django.utils.translation import gettext as _

from notifications.rules.base import ITERATOR_CHUNK, link, to_people, to_robots

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
    hazards = Hazard.objects.unresolved().filter(severity=Severity.MAJOR)
    for pk, _institution, township, name, description, deadline in _hazards(hazards):
        key = f"{rule.code}:{pk}"
        message = {
            "title": _("Major hazard at %(institution)s") % {"institution": name},
            "body": _("%(what)s Deadline: %(deadline)s.")
            % {"what": description[:200], "deadline": deadline},
            "url": url(pk),
        }
        yield from to_people(key, [*scan.township_staff[township], *scan.bureau], **message)
        yield from to_robots(key, [*scan.township_robots[township], *scan.bureau_robots], **message)


def hazard_deadline_near(rule, scan):
    from inspections.models import Hazard

    url = link("inspections:hazard")
    days = {
        scan.today + datetime.timedelta(days=rule.lead_days or 0): rule.lead_days,
        scan.today: 0,
    }
    hazards = Hazard.objects.unresolved().filter(deadline__in=list(days))
    for pk, institution, township, name, description, deadline in _hazards(hazards):
        step = days[deadline]
        title = (
            _("Hazard due today at %(institution)s")
            if step == 0
            else _("Hazard due in %(days)d days at %(institution)s")
        ) % {"institution": name, "days": step}
        people = [*scan.institution_staff[institution], *scan.township_staff[township]]
        yield from to_people(
            f"{rule.code}:{pk}:d{step}",
            people,
            title=title,
            body=description[:200],
            url=url(pk),
        )


def hazard_overdue(rule, scan):
    from inspections.models import Hazard

    url = link("inspections:hazard")
    for pk, _institution, township, name, description, deadline in _hazards(
        Hazard.objects.overdue(scan.today)
    ):
        days = (scan.today - deadline).days
        yield from to_people(
            f"{rule.code}:{pk}:{scan.today:%Y%m%d}",
            scan.township_staff[township],
            title=_("Hazard %(days)d days overdue at %(institution)s")
            % {"days": days, "institution": name},
            body=description[:200],
            url=url(pk),
        )


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
    days = {
        scan.today + datetime.timedelta(days=rule.lead_days or 0): rule.lead_days,
        scan.today: 0,
    }
    rows = Inspection.objects.due().filter(due_on__in=list(days))
    for pk, level, institution, township, name, checklist, due_on in _inspections(rows):
        step = days[due_on]
        title = (
            _("%(checklist)s at %(institution)s is due today")
            if step == 0
            else _("%(checklist)s at %(institution)s is due in %(days)d days")
        ) % {"checklist": checklist, "institution": name, "days": step}
        yield from to_people(
            f"{rule.code}:{pk}:d{step}",
            _inspectors(scan, level, institution, township),
            title=title,
            url=url(pk),
        )


def inspection_overdue(rule, scan):
    from inspections.models import Inspection

    url = link("inspections:fill")
    rows = Inspection.objects.due().filter(due_on__lt=scan.today)
    for pk, level, institution, township, name, checklist, due_on in _inspections(rows):
        people = set(_inspectors(scan, level, institution, township))
        people.update(scan.township_staff[township])
        yield from to_people(
            f"{rule.code}:{pk}:{scan.today:%Y%m%d}",
            sorted(people),
            title=_("%(checklist)s at %(institution)s was due on %(date)s")
            % {"checklist": checklist, "institution": name, "date": due_on},
            url=url(pk),
        )
