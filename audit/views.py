from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from audit.events import Event
from audit.forms import AuditFilterForm
from audit.models import AuditEvent
from audit.services import record
from config.paging import CappedPaginator
from institutions.models import Role

PAGE_SIZE = 50


def may_read_audit_log(user):
    """The audit administrator (三员分立) and superusers; nobody else, not even admins."""
    return user.is_active and (user.is_superuser or user.role == Role.AUDIT_ADMIN)


@require_safe
@login_required
def event_list(request):
    if not may_read_audit_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    events = form.filter(AuditEvent.objects.all()).order_by("-time", "-id")
    page = CappedPaginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # The auditor's reading is audited too (GB/T 22239-2019 8.1.4.3).
    record(
        Event.LOG_VIEWED,
        request=request,
        filters={name: str(value) for name, value in form.applied().items()},
        page=page.number,
    )
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "keep": f"{keep.urlencode()}&" if keep else ""},
    )
