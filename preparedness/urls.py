from django.urls import path

from preparedness import views

app_name = "preparedness"

urlpatterns = [
    path("", views.index, name="index"),
    path("plans/xlsx/", views.plans_xlsx, name="plans_xlsx"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("institutions/<int:pk>/plans/<str:kind>/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/document/", views.plan_document, name="plan_document"),
    path("supplies/", views.supplies, name="supplies"),
    path("supplies/xlsx/", views.supplies_xlsx, name="supplies_xlsx"),
    path("supplies/<int:pk>/", views.supply_detail, name="supply"),
    path("institutions/<int:pk>/supplies/new/", views.supply_new, name="supply_new"),
    path("supplies/<int:pk>/edit/", views.supply_edit, name="supply_edit"),
    path("drills/", views.drills, name="drills"),
    path("drills/xlsx/", views.drills_xlsx, name="drills_xlsx"),
    path("drills/not-drilled/", views.not_drilled, name="not_drilled"),
    path("drills/not-drilled/xlsx/", views.not_drilled_xlsx, name="not_drilled_xlsx"),
    path("institutions/<int:pk>/drills/new/", views.drill_new, name="drill_new"),
    path("drills/<int:pk>/", views.drill_detail, name="drill"),
    path("responsibility/", views.responsibility, name="responsibility"),
    path("responsibility/xlsx/", views.responsibility_xlsx, name="responsibility_xlsx"),
    path(
        "institutions/<int:pk>/responsibility/<int:year>/",
        views.responsibility_edit,
        name="responsibility_edit",
    ),
    path(
        "responsibility/<int:pk>/letter/",
        views.responsibility_letter,
        name="responsibility_letter",
    ),
]
