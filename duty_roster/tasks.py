from celery import shared_task

from duty_roster.services import mark_missed_check_ins


@shared_task(name="duty_roster.mark_missed_check_ins")
def mark_missed_check_ins_task():
    """Beat runs this every five minutes: people on shifts under way not checked in (脱岗)."""
    return mark_missed_check_ins()
