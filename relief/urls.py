from django.urls import path

from relief import printing, views

app_name = "relief"

urlpatterns = [
    path("", views.index, name="index"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/<slug:action>/", views.person_action, name="person_action"),
    path("applications/", views.applications, name="applications"),
    path("applications/xlsx/", views.applications_xlsx, name="applications_xlsx"),
    path(
        "applications/<int:pk>/<slug:action>/", views.application_action, name="application_action"
    ),
    path("batches/", views.batches, name="batches"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/print/", printing.batch_roster, name="batch_print"),
    path("batches/<int:pk>/xlsx/", views.batch_xlsx, name="batch_xlsx"),
    path("batches/<int:pk>/<slug:action>/", views.batch_action, name="batch_action"),
    path("visits/", views.visits, name="visits"),
    path("visits/xlsx/", views.visits_xlsx, name="visits_xlsx"),
    path("transfers/", views.transfers, name="transfers"),
    path("conflicts/<int:pk>/transfer/", views.conflict_transfer, name="conflict_transfer"),
    path("conflicts/<int:pk>/resolve/", views.conflict_resolve, name="conflict_resolve"),
    path("transfers/<int:pk>/<slug:action>/", views.transfer_action, name="transfer_action"),
    path("notice/", views.public_notice, name="public_notice"),
    path("notice/print/", views.public_notice_print, name="public_notice_print"),
    path("notice/release/", views.notice_release, name="notice_release"),
    path("notice/<int:pk>/objection/", views.objection_new, name="objection_new"),
    path("price-subsidy/", views.price_triggers, name="price_triggers"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/new/<int:person_pk>/", views.monitoring_new, name="monitoring_new"),
    path("monitoring/<int:pk>/review/", views.monitoring_review, name="monitoring_review"),
    path("children/", views.recognitions, name="recognitions"),
    path("children/new/<int:person_pk>/", views.recognition_new, name="recognition_new"),
    path("children/<int:pk>/", views.recognition, name="recognition"),
    path("children/<int:pk>/<slug:action>/", views.recognition_action, name="recognition_action"),
    path("objections/<int:pk>/<slug:action>/", views.objection_action, name="objection_action"),
    path("found/", views.found_reports, name="found_reports"),
    path("found/new/", views.found_report_new, name="found_report_new"),
    path("found/<int:pk>/", views.found_report, name="found_report"),
    path("found/<int:pk>/handle/", views.found_report_handle, name="found_report_handle"),
]
