"""Session policy on every request: a signed-in session lasts SESSION_ABSOLUTE_SECONDS from
sign-in whatever the activity; a user whose role needs a second factor (accounts.two_factor)
sees nothing but the code page until they typed it; and a user whose password must be
changed (set by an administrator, or older than PASSWORD_MAX_AGE_DAYS) sees nothing but the
password page.

The checks read only the session (accounts.services copies the password state into it at
sign-in), so they cost no query. They run in process_view, after every middleware's request
step, so that the messages they leave can be stored.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django_htmx.http import HttpResponseClientRedirect

from accounts import services, two_factor

# Where a user who must change their password may still go (URL names).
ALLOWED_BEFORE_PASSWORD_CHANGE = [
    "logout",
    "password_change",
    "password_change_done",
    "set_language",
]
# Where a user who has not yet typed their second factor may go.
ALLOWED_BEFORE_SECOND_FACTOR = ["two_factor", "logout", "set_language"]
# Plumbing that never looks at the session.
NO_SESSION_PATHS = ["healthz"]


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        key_before = session.session_key if session is not None else None
        response = self.get_response(request)
        if session is not None and session.session_key not in (None, key_before):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                services.follow_new_session_key(request, user)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Paths with the script prefix, as STATIC_URL and reverse() give them.
        if self._plumbing(request.path):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if services.session_outlived(request.session):
            logout(request)
            hours = settings.SESSION_ABSOLUTE_SECONDS / 3600
            messages.info(
                request,
                gettext("You were signed in for %(hours)g hours: please sign in again.")
                % {"hours": hours},
            )
            return self._go(request, redirect_to_login(request.get_full_path()))
        # The second factor first: until then the session may do nothing else, not even
        # change the password.
        if two_factor.needs_verification(request):
            if request.path in {reverse(name) for name in ALLOWED_BEFORE_SECOND_FACTOR}:
                return None
            target = f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}"
            return self._go(request, redirect(target))
        if request.path in self._allowed_paths():
            return None
        reason = services.password_change_reason(request.session)
        if reason:
            messages.warning(request, reason)
            return self._go(request, redirect("password_change"))
        return None

    @staticmethod
    def _plumbing(path):
        return path.startswith(settings.STATIC_URL) or path in {
            reverse(name) for name in NO_SESSION_PATHS
        }

    @staticmethod
    def _allowed_paths():
        return {reverse(name) for name in ALLOWED_BEFORE_PASSWORD_CHANGE}

    @staticmethod
    def _go(request, response):
        # An htmx request would swap the login or password page into a fragment.
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(response["Location"])
        return response


# The pages a village worker (Role.VILLAGE_WORKER) may open, by URL name: their village's
# people and visits, the people and children found there, and their own account. Every other
# page answers 403 whatever its own checks would say, so that a page added later is closed
# to them until it is put here on purpose (least privilege, GB/T 22239-2019 8.1.4.2).
VILLAGE_WORKER_PAGES = frozenset(
    {
        "home",
        "healthz",
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "set_language",
        "two_factor",
        "notifications:inbox",
        "notifications:badge",
        "notifications:open",
        "notifications:read",
        "notifications:read_all",
        "notifications:preferences",
        "relief:index",
        "relief:people",
        "relief:person",
        "relief:person_action",
        "relief:visits",
        "relief:recognitions",
        "relief:recognition_new",
        "relief:recognition",
        "relief:found_reports",
        "relief:found_report_new",
        "relief:found_report",
    }
)


class VillageWorkerPagesMiddleware:
    """A village worker reaches VILLAGE_WORKER_PAGES only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_village_worker:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in VILLAGE_WORKER_PAGES:
            return None
        raise PermissionDenied
