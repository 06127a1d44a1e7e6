"""Duty writes: rosters, swaps, check-in, handovers, leave reports, incidents, spot checks.

Each function checks who may act (PermissionDenied) and the rules of the duty
system (ValidationError with a Chinese message, keyed by form field where one fits).
Split by subject; call them from here (``services.create_shift``).
"""

from duty_roster.services.at_post import (
    CHECK_IN_EARLY_MINUTES,
    accept_swap,
    acknowledge_handover,
    add_log_entry,
    check_in,
    check_out,
    check_swap_still_possible,
    decide_swap,
    mark_missed_check_ins,
    next_shift,
    request_swap,
    write_handover,
)
from duty_roster.services.common import (
    AlreadySubmitted,
    create_once,
    local_zone,
    lock_people,
)
from duty_roster.services.incidents import (
    INCIDENT_MAX_AGE,
    acknowledge_incident,
    add_incident_report,
    report_incident,
)
from duty_roster.services.leave import (
    LEAVE_DAYS_AHEAD,
    LEAVE_DAYS_BACK,
    MAX_LEAVE_DAYS,
    decide_leave,
    file_leave,
)
from duty_roster.services.roster import (
    MAX_ROSTER_DAYS,
    MAX_SHIFT_HOURS,
    busy_elsewhere,
    can_manage_post,
    coverage,
    create_shift,
    generate_roster,
    is_day_off,
    is_on_shift,
    lock_post,
    on_leave,
    posts_for,
    validate_shift,
)
from duty_roster.services.supervision import (
    SPOT_CHECK_DAYS_BACK,
    answer_spot_check,
    close_spot_check,
    may_answer,
    may_spot_check,
    random_post_on_duty,
    record_spot_check,
    shift_on_duty,
)

__all__ = [
    "CHECK_IN_EARLY_MINUTES",
    "INCIDENT_MAX_AGE",
    "LEAVE_DAYS_AHEAD",
    "LEAVE_DAYS_BACK",
    "MAX_LEAVE_DAYS",
    "MAX_ROSTER_DAYS",
    "MAX_SHIFT_HOURS",
    "SPOT_CHECK_DAYS_BACK",
    "AlreadySubmitted",
    "accept_swap",
    "acknowledge_handover",
    "acknowledge_incident",
    "add_incident_report",
    "add_log_entry",
    "answer_spot_check",
    "busy_elsewhere",
    "can_manage_post",
    "check_in",
    "check_out",
    "check_swap_still_possible",
    "close_spot_check",
    "coverage",
    "create_once",
    "create_shift",
    "decide_leave",
    "decide_swap",
    "file_leave",
    "generate_roster",
    "is_day_off",
    "is_on_shift",
    "local_zone",
    "lock_people",
    "lock_post",
    "mark_missed_check_ins",
    "may_answer",
    "may_spot_check",
    "next_shift",
    "on_leave",
    "posts_for",
    "random_post_on_duty",
    "record_spot_check",
    "report_incident",
    "request_swap",
    "shift_on_duty",
    "validate_shift",
    "write_handover",
]
