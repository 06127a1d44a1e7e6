from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import views

admin.site.site_header = _("Civil Affairs Safety and Duty System")
admin.site.site_title = _("Civil Affairs Safety and Duty System")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
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
    path("audit/", include("audit.urls")),
    path("preparedness/", include("preparedness.urls")),
    path("epidemic/", include("epidemic.urls")),
    path("accountability/", include("accountability.urls")),
    path("admin/", admin.site.urls),
]

# Uploads are never served from /media/: photos go through views that apply the
# same township scoping as their inspection or hazard (even with DEBUG on).
