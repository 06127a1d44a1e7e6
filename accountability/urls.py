from django.urls import path

from accountability import views

app_name = "accountability"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("cases.xlsx", views.case_list_xlsx, name="list_xlsx"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/documents/", views.add_document, name="add_document"),
    path("<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
]
