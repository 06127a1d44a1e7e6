"""Epidemic care: a weekly report with positive cases opens a follow-up for the township."""

from django.db.models import CharField, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from notifications.rules.base import ITERATOR_CHUNK, link, not_said, to_people, to_robots


def follow_up_opened(rule, scan):
    """Each open follow-up, once for each count of positives it was opened (or reopened)
    with: the township's staff, every bureau officer and the robots. Two queries however
    many follow-ups: the open ones not yet told, read in chunks."""
    from epidemic.models import FollowUp

    url = link("epidemic:follow_up")
    step = Concat(Value("p"), Cast("positives", output_field=CharField()))
    follow_ups = FollowUp.objects.open().annotate(notify_step=step)
    follow_ups = not_said(follow_ups, rule, OuterRef("notify_step"))
    title = _("Positive cases at %(institution)s")
    body = _(
        "Week %(week)s: %(residents)d residents and %(staff)d staff positive, "
        "%(hospital)d sent to hospital. The township follows up and closes it with a note."
    )
    rows = follow_ups.values_list(
        "pk",
        "notify_step",
        "township_id",
        "institution__name",
        "report__week",
        "report__residents_positive",
        "report__staff_positive",
        "report__sent_to_hospital",
    )
    for pk, notify_step, township, name, week, residents, staff, hospital in rows.iterator(
        chunk_size=ITERATOR_CHUNK
    ):
        year, number, _weekday = week.isocalendar()
        key = f"{rule.code}:{pk}:{notify_step}"
        message = {
            "subject_id": pk,
            "step": notify_step,
            "title": title % {"institution": name},
            "body": body
            % {
                "week": f"{year}-W{number:02d}",
                "residents": residents,
                "staff": staff,
                "hospital": hospital,
            },
            "url": url(pk),
        }
        yield from to_people(key, [*scan.township_staff[township], *scan.bureau], **message)
        yield from to_robots(key, [*scan.township_robots[township], *scan.bureau_robots], **message)
