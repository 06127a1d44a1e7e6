from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from institutions.models import Institution, Township, User


@admin.register(Township)
class TownshipAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
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


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
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
    search_fields = ["username", "full_name", "phone"]
    autocomplete_fields = ["township", "institution"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "email"]}),
        (_("Role and scope"), {"fields": ["role", "township", "institution"]}),
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
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
