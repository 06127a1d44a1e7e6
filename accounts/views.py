from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

import audit
from accounts import two_factor as two_factor_rules
from accounts.forms import PasswordChangeForm, TokenForm, UnlockForm
from accounts.lockouts import current_lockouts, unlock
from accounts.signals import lockout_released

# Lifting a lockout is the security administrator's (accounts.roles); superusers too.
may_unlock = permission_required("axes.delete_accessattempt", raise_exception=True)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(audit.Event.PASSWORD_CHANGE, request=self.request, obj=self.request.user)
        return response


@login_required
@may_unlock
def lockouts(request):
    return render(request, "accounts/lockouts.html", {"lockouts": current_lockouts()})


@login_required
@may_unlock
@require_POST
def unlock_view(request):
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("That lockout could not be found."))
        return redirect("lockouts")
    username, ip_address = form.cleaned_data["username"], form.cleaned_data["ip_address"]
    if unlock(username=username, ip_address=ip_address):
        lockout_released.send(None, request=request, username=username, ip_address=ip_address)
        messages.success(
            request,
            gettext("%(username)s may sign in again from %(address)s.")
            % {"username": username, "address": ip_address},
        )
    else:
        messages.info(request, gettext("That lockout had already ended."))
    return redirect("lockouts")


@login_required
def two_factor(request):
    """The second step of signing in: the code of the user's authenticator, or setting
    one up when they have none."""
    if not two_factor_rules.required_for(request.user) or request.user.is_verified():
        return redirect(_next_page(request))
    device = two_factor_rules.confirmed_device(request.user)
    setting_up = device is None
    if setting_up:
        device = two_factor_rules.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = two_factor_rules.seconds_to_wait(device)
        if wait:
            form.add_error(
                "token",
                gettext("Too many wrong codes: try again in %(seconds)s seconds.")
                % {"seconds": wait},
            )
        elif two_factor_rules.verify(request, device, form.cleaned_data["token"]):
            audit.record(audit.Event.TWO_FACTOR_PASSED, request=request, set_up=setting_up)
            if setting_up:
                messages.success(request, gettext("Your authenticator is set up."))
            return redirect(_next_page(request))
        else:
            audit.record(
                audit.Event.TWO_FACTOR_FAILED, request=request, outcome=audit.Outcome.FAILURE
            )
            form.add_error(
                "token",
                gettext("That code is not right: type the six digits your app shows now."),
            )
    context = {
        "form": form,
        "setting_up": setting_up,
        "next": _next_page(request),
        "second_factor_pending": True,
    }
    if setting_up:
        context["qr_code"] = two_factor_rules.qr_code_data_uri(device)
        context["key"] = two_factor_rules.key_in_letters(device)
    return render(request, "accounts/two_factor.html", context)


def _next_page(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)
