from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import views
from config.forms import LoginForm

admin.site.site_header = _("Civil Affairs Safety and Duty System")
admin.site.site_title = _("Civil Affairs Safety and Duty System")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("institutions/", include("institutions.urls")),
    path("inspections/", include("inspections.urls")),
    path("duty/", include("duty_roster.urls")),
    path("relief/", include("relief.urls")),
    path("notifications/", include("notifications.urls")),
    path("daily-reports/", include("daily_reports.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("exports/", include("exports.urls")),
    path("imports/", include("imports.urls")),
    path("admin/", admin.site.urls),
]

# Uploads are never served from /media/: photos go through views that apply the
# same township scoping as their inspection or hazard (even with DEBUG on).
