from django.urls import path

from epidemic import views

app_name = "epidemic"

urlpatterns = [
    path("", views.index, name="index"),
    path("week/<str:week>/", views.week_view, name="week"),
    path("county/", views.county, name="county"),
    path("county/<str:week>/", views.county_week, name="county_week"),
    path("county/<str:week>/export.xlsx", views.county_xlsx, name="county_xlsx"),
    path("file/<int:institution_pk>/<str:week>/", views.file_report, name="file"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("institutions/<int:pk>/", views.institution_reports, name="institution"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up"),
]
