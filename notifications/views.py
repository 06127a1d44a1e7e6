import functools

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config.forms import DATABASE_ID_RE
from config.paging import CappedPaginator
from institutions.models import Role
from notifications import services
from notifications.forms import PreferencesForm
from notifications.models import Delivery, DeliveryState, Notification

PAGE_SIZE = 30


@login_required
def inbox(request):
    mine = Notification.objects.for_user(request.user)
    only_unread = request.GET.get("unread") == "1"
    shown = mine.unread() if only_unread else mine
    # Years of messages pile up: the count stops at the cap, the page is read along the index.
    page = CappedPaginator(shown.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/inbox.html", {"page": page, "only_unread": only_unread})


@never_cache
@login_required
def badge(request):
    """The unread count in the navigation, fetched after the page and every minute by htmx
    (so no page pays for it, and a duty-room screen left open sees new messages arrive)."""
    unread = Notification.objects.for_user(request.user).unread().count()
    return render(request, "notifications/_badge.html", {"unread": unread})


@login_required
def open_notification(request, pk):
    """Mark it read and go where it points (only ever inside this site)."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.mark_read(Notification.objects.filter(pk=notification.pk))
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target:
        target = "notifications:inbox"
    return redirect(target)


@login_required
@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.mark_read(Notification.objects.filter(pk=notification.pk))
    if request.htmx:
        notification.refresh_from_db()
        return render(request, "notifications/_row.html", {"notification": notification})
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(Notification.objects.for_user(request.user))
    messages.success(request, _("%(count)d marked as read.") % {"count": count})
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def business_admin_only(view):
    """The failed deliveries are the business administrator's (and a superuser's): their
    titles name hazards and institutions, so the administrators of 三员分立, who are staff
    too but see no institution's data, may not read or resend them."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.is_superuser or user.role == Role.ADMIN):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@staff_member_required
@business_admin_only
def failed_deliveries(request):
    """For admins: what could not be sent, with the reason, and a way to try again."""
    failed = (
        Delivery.objects.filter(state=DeliveryState.FAILED)
        .select_related("notification__recipient", "notification__webhook")
        .order_by("-pk")
    )
    page = CappedPaginator(failed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/failed.html", {"page": page})


@staff_member_required
@require_POST
@business_admin_only
def retry_deliveries(request):
    ids = [value for value in request.POST.getlist("delivery") if DATABASE_ID_RE.match(value)]
    chosen = Delivery.objects.filter(state=DeliveryState.FAILED)
    if request.POST.get("all") != "1":
        chosen = chosen.filter(pk__in=ids)
    count = services.retry_failed(chosen)
    messages.success(request, _("%(count)d deliveries queued again.") % {"count": count})
    return redirect("notifications:failed")
