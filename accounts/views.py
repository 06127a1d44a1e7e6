from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.forms import PasswordChangeForm, UnlockForm
from accounts.lockouts import current_lockouts, unlock
from accounts.signals import lockout_released

# Lifting a lockout is the security administrator's (accounts.roles); superusers too.
may_unlock = permission_required("axes.delete_accessattempt", raise_exception=True)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm


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
