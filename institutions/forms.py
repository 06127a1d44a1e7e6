from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import StyledFormMixin
from institutions.models import FireRiskLevel, Institution, Township
from institutions.validators import normalize_credit_code

CONTACT_AND_CARE_FIELDS = [
    "address",
    "legal_representative",
    "legal_representative_phone",
    "safety_officer",
    "safety_officer_phone",
    "beds",
    "residents",
    "residents_aged_80_plus",
    "designated_hospital",
    "designated_hospital_level",
    "designated_hospital_phone",
    "has_sandwich_panels",
    "building_notes",
]


class InstitutionForm(StyledFormMixin, forms.ModelForm):
    """Registering or fully editing an institution (township staff and above)."""

    class Meta:
        model = Institution
        fields = [
            "name",
            "kind",
            "operator",
            "township",
            "credit_code",
            "fire_risk_level",
            *CONTACT_AND_CARE_FIELDS,
            "is_active",
        ]
        widgets = {
            "building_notes": forms.Textarea(attrs={"rows": 3}),
            "legal_representative_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "safety_officer_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "designated_hospital_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The server refuses a township outside the user's scope, whatever is posted.
        townships = Township.objects.visible_to(user)
        self.fields["township"].queryset = townships
        if user.is_township_staff and not self.instance.pk:
            self.fields["township"].initial = user.township_id
        self.fields["fire_risk_level"].choices = [
            ("", _("By kind (default)")),
            *FireRiskLevel.choices,
        ]
        for name in ("beds", "residents", "residents_aged_80_plus"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        taken = Institution.objects.filter(credit_code=code).exclude(pk=self.instance.pk)
        if code and taken.exists():
            raise forms.ValidationError(
                _("Another institution is already registered with this credit code."),
                code="credit_code_taken",
            )
        return code

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class InstitutionCareForm(StyledFormMixin, forms.ModelForm):
    """What an institution's own staff keep up to date: contacts, residents, hospital, building."""

    class Meta:
        model = Institution
        fields = CONTACT_AND_CARE_FIELDS
        widgets = InstitutionForm.Meta.widgets

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)


def institution_form_class_for(user):
    return InstitutionForm if user.can_register_institutions else InstitutionCareForm
