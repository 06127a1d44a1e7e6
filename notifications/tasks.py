"""Celery tasks: thin wrappers that tests replace by calling the functions directly.

Each is safe to run twice and on two workers at once: scans land each key once,
and deliveries are claimed with row locks that skip rows another worker holds.
"""

from celery import shared_task

from notifications import rules, services


@shared_task(name="notifications.scan_urgent", acks_late=True)
def scan_urgent():
    """Every minute: the rules that cannot wait (major hazards, incidents, absences, shifts)."""
    return rules.run(frequent=True)


@shared_task(name="notifications.scan_routine", acks_late=True)
def scan_routine():
    """Every ten minutes: reminders, overdue lists and the other daily rules."""
    return rules.run(frequent=False)


@shared_task(name="notifications.deliver", acks_late=True)
def deliver():
    """Send due deliveries; also run every minute by beat, so nothing waits for ever."""
    return services.deliver_due()


@shared_task(name="notifications.digest", acks_late=True)
def digest():
    """07:30: one message a person with the counts of what is theirs."""
    return rules.send_digests()
