import django_filters
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inspections.models import Category, Hazard, HazardStatus, Severity
from institutions.models import Institution, InstitutionKind, Township

UNRESOLVED = "unresolved"


class HazardFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        field_name="institution__township",
        queryset=Township.objects.none(),
        label=_("township"),
        empty_label=_("All townships"),
    )
    # A township has hundreds of institutions and a county tens of thousands: no
    # <select> of them. The name is typed (a "contains" filter that works without
    # JavaScript); the htmx suggestions fill in the chosen institution's id.
    institution = django_filters.ModelChoiceFilter(
        queryset=Institution.objects.none(), label=_("institution"), widget=forms.HiddenInput
    )
    institution_name = django_filters.CharFilter(
        method="filter_institution_name",
        label=_("institution"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )
    kind = django_filters.ChoiceFilter(
        field_name="institution__kind",
        choices=InstitutionKind.choices,
        label=pgettext_lazy("hazard ledger filter", "institution kind"),
        empty_label=pgettext_lazy("hazard ledger filter", "All institution kinds"),
    )
    category = django_filters.ChoiceFilter(
        choices=Category.choices,
        label=pgettext_lazy("hazard ledger filter", "hazard category"),
        empty_label=pgettext_lazy("hazard ledger filter", "All hazard categories"),
    )
    severity = django_filters.ChoiceFilter(
        choices=Severity.choices, label=_("severity"), empty_label=_("Any severity")
    )
    # "Not yet closed" is what the home page's 未销号隐患 count means: open, being rectified
    # or waiting for verification.
    status = django_filters.ChoiceFilter(
        choices=[(UNRESOLVED, _("Not yet closed")), *HazardStatus.choices],
        label=_("status"),
        empty_label=_("Any status"),
        method="filter_status",
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("overdue"),
        widget=forms.Select(choices=[("", _("Overdue or not")), ("true", _("Overdue only"))]),
    )

    supervised = django_filters.BooleanFilter(
        method="filter_supervised",
        label=_("Under supervision"),
        widget=forms.Select(
            choices=[
                ("", _("Supervised or not")),
                ("true", _("Under supervision")),
                ("false", _("Not under supervision")),
            ]
        ),
    )

    class Meta:
        model = Hazard
        fields = [
            "township",
            "institution",
            "institution_name",
            "kind",
            "category",
            "severity",
            "status",
            "overdue",
            "supervised",
        ]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["township"].queryset = Township.objects.visible_to(user)
        # Validating a chosen id is one lookup in the user's scope; nothing is listed.
        self.filters["institution"].queryset = Institution.objects.visible_to(user)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")
        name = self.form.fields["institution_name"].widget
        name.attrs.update(
            {
                "class": "form-control",
                "placeholder": _("Type part of a name"),
                "hx-get": reverse("inspections:institution_options"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#institution-options",
                "hx-include": "[name=township]",
                "hx-sync": "this:replace",
                "hx-push-url": "false",
                # Typing another name forgets the institution picked before.
                "data-clears": "institution",
            }
        )

    def filter_status(self, queryset, name, value):
        if value == UNRESOLVED:
            return queryset.unresolved()
        return queryset.filter(status=value)

    def filter_queryset(self, queryset):
        picked = self.form.cleaned_data.get("institution")
        if picked and not self.form.cleaned_data.get("institution_name"):
            # Opened with ?institution=<id> (a link): the box shows whose hazards these are.
            data = self.form.data.copy()
            data["institution_name"] = picked.name
            self.form.data = data
        return super().filter_queryset(queryset)

    def filter_institution_name(self, queryset, name, value):
        value = value.strip()
        if not value or self.form.cleaned_data.get("institution"):
            return queryset  # a picked institution is more exact than its typed name
        return queryset.filter(institution__name__contains=value)

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(timezone.localdate())
        return queryset

    def filter_supervised(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.supervised() if value else queryset.not_supervised()
