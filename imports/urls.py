from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/", views.upload, name="upload"),
    path("<slug:kind>/template.xlsx", views.template, name="template"),
    path("<slug:kind>/<uuid:token>/", views.confirm, name="confirm"),
    path("<slug:kind>/<uuid:token>/progress/", views.import_progress, name="progress"),
    path("<slug:kind>/<uuid:token>/rejects.xlsx", views.rejects, name="rejects"),
]
