from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.county, name="county"),
    path("inspections/", views.inspections, name="inspections"),
]
