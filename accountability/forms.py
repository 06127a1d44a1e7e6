import datetime
import uuid

from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.documents import clean_document
from accountability.models import Decision, Ground
from config.forms import StyledFormMixin
from duty_roster.forms import institutions_matching
from duty_roster.models import Incident, SpotCheck, incident_written_report_minutes
from duty_roster.pickers import chosen_ids, offer_at_most
from inspections.models import Hazard, HazardStatus, Severity
from institutions.models import Institution, Township


def failed_spot_checks():
    return SpotCheck.objects.failed().select_related("post").order_by("-checked_at", "-pk")


def overdue_major_hazards():
    """Major hazards past their deadline: still open, or closed after it."""
    today = timezone.localdate()
    return (
        Hazard.objects.filter(severity=Severity.MAJOR)
        .filter(
            Q(deadline__lt=today) & ~Q(status=HazardStatus.CLOSED)
            | Q(status=HazardStatus.CLOSED, closed_at__date__gt=F("deadline"))
        )
        .select_related("institution")
        .order_by("deadline", "pk")
    )


def late_incidents():
    late = datetime.timedelta(minutes=incident_written_report_minutes())
    return (
        Incident.objects.filter(reported_at__gt=F("occurred_at") + late)
        .select_related("township")
        .order_by("-occurred_at", "-pk")
    )


class SourceChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, describe, **kwargs):
        super().__init__(*args, **kwargs)
        self.describe = describe

    def label_from_instance(self, obj):
        return self.describe(obj)


def _local(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


class CaseForm(StyledFormMixin, forms.Form):
    submission_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    ground = forms.ChoiceField(label=_("Ground"), choices=Ground.choices, widget=forms.RadioSelect)
    spot_check = SourceChoiceField(
        label=_("Failed spot check"),
        queryset=SpotCheck.objects.none(),
        required=False,
        describe=lambda c: f"{_local(c.checked_at)} {c.post.name}",
    )
    hazard = SourceChoiceField(
        label=_("Overdue major hazard"),
        queryset=Hazard.objects.none(),
        required=False,
        describe=lambda h: f"{h.institution.name} · {h} · {h.deadline:%Y-%m-%d}",
    )
    incident = SourceChoiceField(
        label=_("Incident reported late"),
        queryset=Incident.objects.none(),
        required=False,
        describe=lambda i: f"{_local(i.occurred_at)} {i.township.name} · {i.place}",
    )
    township = forms.ModelChoiceField(
        label=_("Township held accountable"), queryset=Township.objects.none(), required=False
    )
    institution = forms.ModelChoiceField(
        label=_("Institution held accountable"),
        queryset=Institution.objects.none(),
        required=False,
        help_text=_("Leave both empty to take the unit of the record the case is about."),
    )
    person_name = forms.CharField(label=_("Person held accountable"), max_length=50)
    person_position = forms.CharField(label=_("Position"), max_length=100)
    fact = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}))
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    decision_other = forms.CharField(
        label=_("Other decision"),
        max_length=100,
        required=False,
        help_text=_("Only when the decision is “other”."),
    )
    decided_on = forms.DateField(
        label=_("Decided on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    document_title = forms.CharField(label=_("Document title"), max_length=100, required=False)
    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("The decision or a record of it: a PDF, or a photo of its pages."),
    )

    SOURCES = {
        "spot_check": failed_spot_checks,
        "hazard": overdue_major_hazards,
        "incident": late_incidents,
    }

    def __init__(self, *args, search="", **kwargs):
        super().__init__(*args, **kwargs)
        for name, eligible in self.SOURCES.items():
            field = self.fields[name]
            field.queryset = eligible()
            # The newest few (and the one chosen, arriving from its page): never the county.
            offer_at_most(field, term="", chosen=chosen_ids(self[name].value()))
        self.fields["township"].queryset = Township.objects.order_by("code")
        self.fields["institution"].queryset = Institution.objects.order_by("name", "pk")
        self.pickers_cut = offer_at_most(
            self.fields["institution"],
            term=search,
            chosen=chosen_ids(self["institution"].value()),
            matching=institutions_matching,
        )

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if not datetime.date(2000, 1, 1) <= day <= timezone.localdate():
            raise forms.ValidationError(_("A decision cannot be dated in the future."))
        return day

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        return clean_document(upload) if upload else None

    def clean(self):
        data = super().clean()
        if data.get("document") and not (data.get("document_title") or "").strip():
            self.add_error("document_title", _("Give the document a title."))
        return data

    def service_arguments(self):
        data = dict(self.cleaned_data)
        ground = data.get("ground")
        source = {
            Ground.FAILED_DUTY: data.pop("spot_check"),
            Ground.OVERDUE_HAZARD: data.pop("hazard"),
            Ground.LATE_REPORT: data.pop("incident"),
        }.get(ground)
        document, title = data.pop("document"), data.pop("document_title")
        return {**data, "source": source, "documents": [(title, document)] if document else []}


class DocumentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=100)
    file = forms.FileField(label=_("Document"))

    def clean_file(self):
        return clean_document(self.cleaned_data["file"])


class CaseFilterForm(StyledFormMixin, forms.Form):
    """The case list's filter, shared by the list page and its .xlsx."""

    ground = forms.ChoiceField(
        label=_("Ground"), choices=[("", _("Any")), *Ground.choices], required=False
    )

    def filter(self, cases):
        """The cases as filtered (all of them while the form has errors)."""
        if not self.is_valid():
            return cases
        if self.cleaned_data.get("ground"):
            cases = cases.filter(ground=self.cleaned_data["ground"])
        return cases
