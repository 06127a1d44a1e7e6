from django.urls import path

from daily_reports import views

app_name = "daily_reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("periods/", views.periods, name="periods"),
    path("day/<str:day>/", views.day_view, name="day"),
    path("day/<str:day>/township/<int:pk>/", views.township_day, name="township_day"),
    path("day/<str:day>/summary/", views.summary, name="summary"),
    path("day/<str:day>/summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("file/<str:kind>/<int:pk>/<str:day>/", views.file_report, name="file"),
    path("file/<str:kind>/<int:pk>/<str:day>/zero/", views.file_zero, name="zero"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
]
