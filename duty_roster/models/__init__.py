"""24-hour duty: posts, shifts and attendance, handovers, leave reports, incidents.

Split by subject; import from here (``from duty_roster.models import Attendance``).
"""

from duty_roster.models.base import BOUNDED, RequestStatus, submission_token_field
from duty_roster.models.incidents import (
    Incident,
    IncidentCategory,
    IncidentQuerySet,
    IncidentSeverity,
    IncidentUpdate,
    incident_phone_report_minutes,
    incident_written_report_minutes,
)
from duty_roster.models.leave import (
    LeaveApprover,
    LeaveApproverQuerySet,
    LeaveReport,
    LeaveReportQuerySet,
)
from duty_roster.models.posts import DutyPost, DutyPostQuerySet, Holiday, PostKind
from duty_roster.models.shifts import (
    CHECK_IN_GRACE,
    MAX_SHIFT_LENGTH,
    Attendance,
    AttendanceQuerySet,
    AttendanceRole,
    AttendanceState,
    DutyLogEntry,
    Shift,
    ShiftQuerySet,
    SwapRequest,
    SwapRequestQuerySet,
)
from duty_roster.models.supervision import (
    FollowUpState,
    SpotCheck,
    SpotCheckMethod,
    SpotCheckQuerySet,
    SpotCheckResult,
)

__all__ = [
    "BOUNDED",
    "CHECK_IN_GRACE",
    "MAX_SHIFT_LENGTH",
    "Attendance",
    "AttendanceQuerySet",
    "AttendanceRole",
    "AttendanceState",
    "DutyLogEntry",
    "DutyPost",
    "DutyPostQuerySet",
    "FollowUpState",
    "Holiday",
    "Incident",
    "IncidentCategory",
    "IncidentQuerySet",
    "IncidentSeverity",
    "IncidentUpdate",
    "LeaveApprover",
    "LeaveApproverQuerySet",
    "LeaveReport",
    "LeaveReportQuerySet",
    "PostKind",
    "RequestStatus",
    "Shift",
    "ShiftQuerySet",
    "SpotCheck",
    "SpotCheckMethod",
    "SpotCheckQuerySet",
    "SpotCheckResult",
    "SwapRequest",
    "SwapRequestQuerySet",
    "incident_phone_report_minutes",
    "incident_written_report_minutes",
    "submission_token_field",
]
