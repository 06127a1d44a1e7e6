from django.urls import path

from exports import views

app_name = "exports"
urlpatterns = [
    path("", views.job_list, name="index"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/download/", views.download, name="download"),
]
