from django.urls import path

from duty_roster import printing, spot_checks, views

app_name = "duty_roster"

urlpatterns = [
    path("", views.index, name="index"),
    path("now/", views.on_duty, name="on_duty"),
    path("posts/", views.post_list, name="posts"),
    path("posts/roster.xlsx", views.county_roster_xlsx, name="county_roster_xlsx"),
    path("posts/<int:pk>/", views.roster, name="roster"),
    path("posts/<int:pk>/shifts/", views.add_shift, name="add_shift"),
    path("posts/<int:pk>/generate/", views.generate, name="generate"),
    path("posts/<int:pk>/roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("posts/<int:pk>/roster/print/", printing.roster_print, name="roster_print"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("shifts/<int:pk>/<slug:action>/", views.shift_action, name="shift_action"),
    path("swaps/<int:pk>/<slug:action>/", views.swap_action, name="swap_action"),
    path("leave/", views.leave_list, name="leave"),
    path("leave/reports.xlsx", views.leave_xlsx, name="leave_xlsx"),
    path("leave/<int:pk>/decide/", views.decide_leave, name="decide_leave"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/log.xlsx", views.incidents_xlsx, name="incidents_xlsx"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("incidents/<int:pk>/<slug:action>/", views.incident_action, name="incident_action"),
    path("spot-checks/", spot_checks.spot_check_list, name="spot_checks"),
    path("spot-checks/list.xlsx", spot_checks.spot_check_list_xlsx, name="spot_checks_xlsx"),
    path("spot-checks/new/", spot_checks.spot_check_new, name="spot_check_new"),
    path("spot-checks/random/", spot_checks.spot_check_random, name="spot_check_random"),
    path("spot-checks/by-township/", spot_checks.spot_check_summary, name="spot_check_summary"),
    path(
        "spot-checks/by-township.xlsx",
        spot_checks.spot_check_summary_xlsx,
        name="spot_check_summary_xlsx",
    ),
    path("spot-checks/<int:pk>/", spot_checks.spot_check_detail, name="spot_check"),
    path(
        "spot-checks/<int:pk>/<slug:action>/",
        spot_checks.spot_check_action,
        name="spot_check_action",
    ),
]
