import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inspections.models import Category, Hazard, HazardStatus, Severity
from institutions.models import Institution, InstitutionKind, Township


class HazardFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        field_name="institution__township",
        queryset=Township.objects.none(),
        label=_("township"),
        empty_label=_("All townships"),
    )
    institution = django_filters.ModelChoiceFilter(
        queryset=Institution.objects.none(),
        label=_("institution"),
        empty_label=_("All institutions"),
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
    status = django_filters.ChoiceFilter(
        choices=HazardStatus.choices, label=_("status"), empty_label=_("Any status")
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
        self.filters["institution"].queryset = self._institution_choices(user, data)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

    @staticmethod
    def _institution_choices(user, data):
        # A county has thousands of institutions: the county-wide roles pick a township first.
        institutions = Institution.objects.visible_to(user).only("pk", "name")
        if not user.is_county_wide:
            return institutions
        township = str((data or {}).get("township", ""))
        # ASCII digits only: "²" passes isdigit() but not int(); the filter form
        # itself reports a bad township beside its field.
        if township.isascii() and township.isdigit() and len(township) <= 18:
            return institutions.filter(township_id=int(township))
        return institutions.none()

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(timezone.localdate())
        return queryset

    def filter_supervised(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.supervised() if value else queryset.not_supervised()
