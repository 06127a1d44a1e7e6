"""Accountability cases: the county's pages. Everyone else gets 403 at every one of them
(the 三员 too): a case names people and what they are held to account for."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountability import services
from accountability.documents import document_response
from accountability.forms import CaseFilterForm, CaseForm, DocumentForm
from accountability.models import Case, CaseDocument, Ground
from config.forms import add_service_errors, search_text
from config.history import Source, recent_changes
from config.paging import CappedPaginator
from exports.services import start_export

PAGE_SIZE = 50
# ?spot_check=, ?hazard= or ?incident= from the record's page: the ground it opens with.
SOURCE_PARAMETERS = {
    "spot_check": Ground.FAILED_DUTY,
    "hazard": Ground.OVERDUE_HAZARD,
    "incident": Ground.LATE_REPORT,
}


def county_only(view):
    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not services.may_hold_accountable(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


@county_only
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    cases = form.filter(Case.objects.visible_to(request.user)).select_related(
        "township", "institution", "spot_check__post", "hazard", "incident"
    )
    page = CappedPaginator(cases.order_by("-decided_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    ground = form.cleaned_data.get("ground", "") if form.is_bound and form.is_valid() else ""
    query = urlencode({"ground": ground}) if ground else ""
    return render(
        request,
        "accountability/cases.html",
        {
            "page": page,
            "grounds": Ground.choices,
            "ground": ground,
            "keep": f"{query}&" if query else "",
            "query": query,
        },
    )


@county_only
def case_list_xlsx(request):
    """Every case of the list (its filter), not only the first page: the county's alone."""
    return start_export(
        request,
        kind="accountability_cases",
        source="accountability.exports.case_list",
        filename=f"accountability-cases-{timezone.localdate():%Y%m%d}.xlsx",
    )


@county_only
def case_new(request):
    search = search_text(request.GET, "who", 50)
    if request.method == "POST":
        form = CaseForm(request.POST, request.FILES, search=search)
        if form.is_valid():
            try:
                case = services.open_case(user=request.user, **form.service_arguments())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Accountability case opened."))
                return redirect(case)
    else:
        initial = {}
        for name, ground in SOURCE_PARAMETERS.items():
            value = request.GET.get(name, "")
            if value.isdigit() and len(value) <= 18:
                initial.update({name: value, "ground": ground})
        form = CaseForm(initial=initial, search=search)
    return render(request, "accountability/case_form.html", {"form": form, "who": search})


def _case_for(request, pk):
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related(
            "township",
            "institution",
            "spot_check__post",
            "hazard__institution",
            "incident",
            "opened_by",
        ),
        pk=pk,
    )


@county_only
def case_detail(request, pk, document_form=None):
    case = _case_for(request, pk)
    return render(
        request,
        "accountability/case.html",
        {
            "case": case,
            "documents": case.documents.select_related("uploaded_by"),
            "document_form": document_form or DocumentForm(),
            "history": recent_changes(
                request.user,
                Source(case.history.all()),
                Source(
                    CaseDocument.history.filter(case_id=case.pk),
                    describe=lambda row: row.title,
                ),
            ),
        },
    )


@county_only
@require_POST
def add_document(request, pk):
    case = _case_for(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Document added."))
            return redirect(case)
    return case_detail(request, pk, document_form=form)


@county_only
def document(request, pk, document_pk):
    """A case's document, through the case's scope (never from MEDIA_URL)."""
    case = _case_for(request, pk)
    found = get_object_or_404(CaseDocument, case=case, pk=document_pk)
    return document_response(found.file, download_name=f"case-{case.pk}-{found.pk}")
