from django.urls import path

from preparedness import views

app_name = "preparedness"

urlpatterns = [
    path("", views.index, name="index"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("institutions/<int:pk>/plans/<str:kind>/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/document/", views.plan_document, name="plan_document"),
    path("supplies/", views.supplies, name="supplies"),
    path("institutions/<int:pk>/supplies/new/", views.supply_new, name="supply_new"),
    path("supplies/<int:pk>/edit/", views.supply_edit, name="supply_edit"),
    path("drills/", views.drills, name="drills"),
    path("drills/not-drilled/", views.not_drilled, name="not_drilled"),
    path("institutions/<int:pk>/drills/new/", views.drill_new, name="drill_new"),
    path("drills/<int:pk>/", views.drill_detail, name="drill"),
    path("responsibility/", views.responsibility, name="responsibility"),
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
