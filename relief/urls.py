from django.urls import path  # noqa: F401 - the pages arrive with this app's issue

app_name = "relief"

urlpatterns = []
