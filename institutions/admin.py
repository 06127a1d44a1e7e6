from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

import audit
from accounts import services as accounts
from config.history_admin import HistoryAdmin
from institutions.models import BUSINESS_ROLES, Institution, Township, User


@admin.register(Township)
class TownshipAdmin(HistoryAdmin):
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Institution)
class InstitutionAdmin(HistoryAdmin):
    list_display = [
        "name",
        "kind",
        "township",
        "operator",
        "fire_risk_level",
        "beds",
        "residents",
        "residents_aged_80_plus",
        "has_sandwich_panels",
        "is_active",
    ]
    list_filter = [
        "kind",
        "operator",
        "fire_risk_level",
        "has_sandwich_panels",
        "is_active",
        "township",
    ]
    list_select_related = ["township"]
    search_fields = ["name", "address", "credit_code", "safety_officer", "legal_representative"]
    autocomplete_fields = ["township"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "kind",
                    "operator",
                    "township",
                    "address",
                    "credit_code",
                    "is_active",
                ]
            },
        ),
        (
            _("People responsible"),
            {
                "fields": [
                    "legal_representative",
                    "legal_representative_phone",
                    "safety_officer",
                    "safety_officer_phone",
                ]
            },
        ),
        (_("Residents"), {"fields": ["beds", "residents", "residents_aged_80_plus"]}),
        (
            _("Safety and care"),
            {
                "fields": [
                    "fire_risk_level",
                    "designated_hospital",
                    "designated_hospital_level",
                    "designated_hospital_phone",
                    "has_sandwich_panels",
                    "building_notes",
                ]
            },
        ),
    ]


class PasswordResetForm(AdminPasswordChangeForm):
    """A password an administrator sets is a temporary one: its owner must choose their
    own at the next sign-in. Either way the account is signed out everywhere."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            if user.has_usable_password():
                accounts.require_password_change(user)
            else:
                accounts.end_sessions(user)
        return user


# Separation of duties (三员分立, accounts.roles): which fields of an account each
# administrator may change. A superuser may change them all.
IDENTITY_FIELDS = ["username", "full_name", "phone", "email"]  # system administrator
# The security administrator's.
PRIVILEGE_FIELDS = ["role", "township", "institution", "village", "is_active"]
SUPERUSER_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    change_password_form = PasswordResetForm
    list_display = [
        "username",
        "full_name",
        "role",
        "township",
        "institution",
        "phone",
        "is_active",
    ]
    list_filter = ["role", "is_active", "township"]
    list_select_related = ["township", "institution"]
    # Not the phone: it is encrypted at rest and cannot be searched.
    search_fields = ["username", "full_name"]
    autocomplete_fields = ["township", "institution"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "email"]}),
        (_("Role and scope"), {"fields": ["role", "township", "institution", "village"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "phone",
                    "role",
                    "township",
                    "institution",
                    "village",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    @staticmethod
    def _may_open_accounts(request):
        return request.user.has_perm("institutions.add_user")

    @staticmethod
    def _may_change_identity(request):
        return request.user.has_perm("institutions.change_user")

    @staticmethod
    def _may_change_privileges(request):
        return request.user.has_perm("institutions.change_user_role")

    @staticmethod
    def _may_reset_passwords(request):
        return request.user.has_perm("institutions.reset_user_password")

    def has_change_permission(self, request, obj=None):
        # Only a superuser touches a superuser's account (a reset password would hand it over).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return (
            self._may_change_identity(request)
            or self._may_change_privileges(request)
            or self._may_reset_passwords(request)
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += SUPERUSER_FIELDS
        if not self._may_change_identity(request):
            readonly += IDENTITY_FIELDS
        # No one but a superuser gives themself a role or switches their own account.
        own = obj.pk == request.user.pk and not request.user.is_superuser
        if own or not self._may_change_privileges(request):
            readonly += PRIVILEGE_FIELDS
        return readonly

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not self._may_change_privileges(request):
            kwargs["choices"] = [(role.value, role.label) for role in BUSINESS_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        opening = not change
        # An account opened by a system administrator waits, switched off, for the
        # security administrator to confirm its role and place.
        if opening and not self._may_change_privileges(request):
            obj.is_active = False
        super().save_model(request, obj, form, change)
        if opening and obj.has_usable_password():
            accounts.require_password_change(obj)
        if opening and not obj.is_active:
            messages.info(
                request,
                gettext(
                    "The account is switched off until a security administrator confirms "
                    "its role and activates it."
                ),
            )

    def user_change_password(self, request, id, form_url=""):
        if not self._may_reset_passwords(request):
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the reset was saved
            audit.record(
                audit.Event.PASSWORD_CHANGE,
                request=request,
                obj=self.get_object(request, id),
                reset=True,
            )
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version of an account would bring back its old role, active flag and
        # place, around the separation of duties above (and its password is not kept).
        if request.method == "POST":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True
