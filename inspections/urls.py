from django.urls import path

from inspections import printing, views

app_name = "inspections"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.adhoc_new, name="adhoc_new"),
    path("results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_edit, name="campaign_new"),
    path("campaigns/options/", views.campaign_options, name="campaign_options"),
    path("campaigns/<int:pk>/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/launch/", views.campaign_launch, name="campaign_launch"),
    path("<int:pk>/", views.fill, name="fill"),
    path("<int:pk>/items/<int:item_pk>/", views.save_answer, name="answer"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/result/", views.result, name="result"),
    path("<int:pk>/print/", printing.inspection_record, name="print_record"),
    path("hazards/", views.ledger, name="ledger"),
    path("hazards/institutions/", views.institution_options, name="institution_options"),
    path("hazards/ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard"),
    path("hazards/<int:pk>/notice/", printing.hazard_notice, name="hazard_notice"),
    path("hazards/<int:pk>/<slug:action>/", views.hazard_action, name="hazard_action"),
    path(
        "hazards/<int:pk>/extensions/<int:extension_pk>/",
        views.decide_extension,
        name="decide_extension",
    ),
    path("institutions/<int:institution_pk>/levels/", views.levels_compared, name="levels"),
    path("levels/not-credible/", views.not_credible, name="not_credible"),
    path("institutions/<int:institution_pk>/raise/", views.raise_hazard, name="raise"),
    path("photos/answers/<int:pk>/", views.answer_photo, name="answer_photo"),
    path("photos/hazards/<int:pk>/", views.hazard_photo, name="hazard_photo"),
]
