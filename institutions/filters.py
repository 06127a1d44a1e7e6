import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from institutions.models import FireRiskLevel, Institution, InstitutionKind, Operator, Township
from institutions.validators import normalize_credit_code


class InstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    township = django_filters.ModelChoiceFilter(
        queryset=Township.objects.none(), label=_("township"), empty_label=_("All townships")
    )
    kind = django_filters.ChoiceFilter(
        choices=InstitutionKind.choices, label=_("kind"), empty_label=_("All kinds")
    )
    fire_risk_level = django_filters.ChoiceFilter(
        choices=FireRiskLevel.choices, label=_("fire risk level"), empty_label=_("Any risk")
    )
    operator = django_filters.ChoiceFilter(
        choices=Operator.choices, label=_("operator"), empty_label=_("Any operator")
    )
    is_active = django_filters.BooleanFilter(
        label=_("status"),
        widget=forms.Select(
            choices=[("", _("Any status")), ("true", _("active")), ("false", _("inactive"))]
        ),
    )

    class Meta:
        model = Institution
        fields = ["q", "township", "kind", "fire_risk_level", "operator", "is_active"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["township"].queryset = Township.objects.visible_to(user)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")
        self.form.fields["q"].widget.attrs.update(
            {"class": "form-control", "placeholder": _("Name, address, credit code or person")}
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(address__icontains=value)
            | Q(credit_code=normalize_credit_code(value))
            | Q(safety_officer__icontains=value)
            | Q(legal_representative__icontains=value)
        )
