from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.forms import add_service_errors, search_text
from config.history import Source, recent_changes
from config.paging import CappedPaginator
from config.uploads import image_response
from inspections import levels, services
from inspections.campaign_history import campaign_history
from inspections.campaigns import (
    campaign_progress,
    campaigns_visible_to,
    launch_campaign,
    start_adhoc_inspection,
)
from inspections.filters import HazardFilter
from inspections.forms import (
    ID_PATTERN,
    AdHocInspectionForm,
    AnswerForm,
    AssignSupervisorForm,
    CampaignForm,
    DecideExtensionForm,
    ExtensionRequestForm,
    LevelsPeriodForm,
    NotCredibleFilterForm,
    RaiseHazardForm,
    RectificationForm,
    RejectForm,
    StartRectificationForm,
    SubmitInspectionForm,
    TakeOverSupervisionForm,
    VerifyForm,
)
from inspections.home import hazard_counts
from inspections.models import (
    Answer,
    Campaign,
    ChecklistTemplate,
    DeadlineExtension,
    ExtensionStatus,
    Hazard,
    HazardPhoto,
    HazardStatus,
    Inspection,
    Item,
    Level,
    Section,
)
from inspections.permissions import (
    adhoc_level,
    can_assign_supervisor,
    can_compare_levels,
    can_decide_extension,
    can_fill,
    can_manage_campaigns,
    can_raise,
    can_rectify,
    can_start_adhoc,
    can_start_adhoc_at,
    can_take_over_supervision,
    can_verify,
    can_view_campaigns,
)
from institutions.models import Institution, Township
from institutions.scoping import scope_key

PAGE_SIZE = 25
INSTITUTION_OPTIONS = 20
# The seeded fire-drill and training record (inspections/checklists.py): a drill (演练)
# is an ad-hoc inspection with this checklist.
DRILL_TEMPLATE_CODE = "fire-drill-record"


@login_required
def index(request):
    today = timezone.localdate()
    inspections = Inspection.objects.visible_to(request.user).select_related(
        "institution", "version__template"
    )
    open_inspections = inspections.due().order_by("due_on")[:50]
    recent_done = inspections.filter(status="submitted").order_by("-submitted_at")[:10]
    hazards = hazard_counts(request.user)
    return render(
        request,
        "inspections/index.html",
        {
            "open_inspections": open_inspections,
            "recent_done": recent_done,
            "hazards": hazards,
            "today": today,
            "may_view_campaigns": can_view_campaigns(request.user),
            "may_compare_levels": can_compare_levels(request.user),
            "may_start_adhoc": can_start_adhoc(request.user),
            # The results download's choices: a clerk's township goes without saying.
            "result_townships": Township.objects.visible_to(request.user).order_by("code")
            if request.user.is_county_wide
            else (),
            "result_templates": ChecklistTemplate.objects.order_by("name"),
        },
    )


def _inspection_for(request, pk):
    return get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related(
            "institution__township", "version__template", "campaign"
        ),
        pk=pk,
    )


def _sections_with_items(inspection):
    sections = list(Section.objects.filter(version=inspection.version).prefetch_related("items"))
    for section in sections:
        section.applicable = [
            i for i in section.items.all() if i.applies_to(inspection.institution)
        ]
    return [s for s in sections if s.applicable]


@login_required
def fill(request, pk):
    inspection = _inspection_for(request, pk)
    if inspection.is_submitted:
        return redirect("inspections:result", pk=pk)
    if not can_fill(request.user, inspection):
        raise PermissionDenied
    sections = _sections_with_items(inspection)
    if not sections:
        raise Http404
    index = min(_section_number(request.GET.get("s")), len(sections) - 1)
    section = sections[index]
    answers = {a.item_id: a for a in inspection.answers.all()}
    item_forms = [
        (item, _answer_form(item, answers.get(item.pk)), answers.get(item.pk))
        for item in section.applicable
    ]
    context = {
        "inspection": inspection,
        "sections": sections,
        "section": section,
        "index": index,
        "item_forms": item_forms,
        "submit_form": SubmitInspectionForm(),
        "is_last": index == len(sections) - 1,
        **_progress(sections, answers),
    }
    return render(request, "inspections/fill.html", context)


def _section_number(raw):
    """The section asked for (?s=2), or the first one for anything but a small number."""
    raw = raw or ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else 0


def _progress(sections, answers):
    items = [item for section in sections for item in section.applicable]
    answered = sum(1 for item in items if item.is_answered_by(answers.get(item.pk)))
    return {"answered": answered, "total": len(items)}


def _answer_form(item, answer, data=None, files=None):
    initial = {"value": answer.value, "note": answer.note} if answer else None
    return AnswerForm(data, files, item=item, initial=initial)


@login_required
@require_POST
def save_answer(request, pk, item_pk):
    inspection = _inspection_for(request, pk)
    if not can_fill(request.user, inspection):
        raise PermissionDenied
    item = get_object_or_404(Item.objects.filter(section__version=inspection.version), pk=item_pk)
    answer = Answer.objects.filter(inspection=inspection, item=item).first()
    form = _answer_form(item, answer, request.POST, request.FILES)
    saved = False
    if form.is_valid():
        try:
            answer = services.save_answer(
                inspection=inspection,
                item=item,
                user=request.user,
                value=form.cleaned_data.get("value", ""),
                note=form.cleaned_data["note"],
                photo=form.cleaned_data.get("photo") or None,
            )
            saved = True
            form = _answer_form(item, answer)
        except ValidationError as error:
            form.add_error(None, error)
    index = _section_number(request.POST.get("s"))
    if request.htmx:
        # The item itself, and the progress bar out of band: answered count has changed.
        sections = _sections_with_items(inspection)
        answers = {a.item_id: a for a in inspection.answers.all()}
        return render(
            request,
            "inspections/_item_saved.html",
            {
                "inspection": inspection,
                "item": item,
                "form": form,
                "answer": answer,
                "saved": saved,
                "index": index,
                **_progress(sections, answers),
            },
        )
    if saved:
        return redirect(f"{inspection.get_absolute_url()}?s={index}#item-{item.pk}")
    messages.error(request, _("The answer was not saved: %(item)s") % {"item": item.text})
    return redirect(f"{inspection.get_absolute_url()}?s={index}")


@login_required
@require_POST
def submit(request, pk):
    inspection = _inspection_for(request, pk)
    if not can_fill(request.user, inspection):
        raise PermissionDenied
    form = SubmitInspectionForm(request.POST)
    if form.is_valid():
        try:
            services.submit_inspection(
                inspection=inspection, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("inspections:review", pk=pk)
        messages.success(request, _("Inspection submitted."))
        return redirect("inspections:result", pk=pk)
    messages.error(request, _("Enter the inspectors and the institution's person present."))
    return redirect("inspections:review", pk=pk)


@login_required
def review(request, pk):
    """Before submitting: what is still missing, section by section."""
    inspection = _inspection_for(request, pk)
    if inspection.is_submitted:
        return redirect("inspections:result", pk=pk)
    if not can_fill(request.user, inspection):
        raise PermissionDenied
    sections = _sections_with_items(inspection)
    answers = {a.item_id: a for a in inspection.answers.all()}
    items = [item for s in sections for item in s.applicable]
    problems = services.missing_before_submit(inspection, items, answers)
    rows = [
        (
            index,
            section,
            [(item, problems[item.pk]) for item in section.applicable if item.pk in problems],
        )
        for index, section in enumerate(sections)
    ]
    failed = [item for item in items if item.pk in answers and answers[item.pk].is_failure]
    return render(
        request,
        "inspections/review.html",
        {
            "inspection": inspection,
            "rows": rows,
            "problem_count": len(problems),
            "failed": failed,
            "form": SubmitInspectionForm(initial={"inspector_name": request.user.display_name}),
        },
    )


@login_required
def result(request, pk):
    inspection = _inspection_for(request, pk)
    if not inspection.is_submitted:
        return redirect("inspections:fill", pk=pk)
    sections = _sections_with_items(inspection)
    answers = {a.item_id: a for a in inspection.answers.all()}
    for section in sections:
        section.rows = []
        for item in section.applicable:
            answer = answers.get(item.pk)
            shown = item.display_value(answer.value) if answer else ""
            section.rows.append((item, answer, shown))
        section.score = services.score(section.applicable, answers)
    hazards = {h.item_id: h for h in inspection.hazards.all()}
    failed = [
        (item, answers[item.pk], hazards.get(item.pk))
        for s in sections
        for item in s.applicable
        if item.pk in answers and answers[item.pk].is_failure
    ]
    return render(
        request,
        "inspections/result.html",
        {
            "inspection": inspection,
            "sections": sections,
            "failed": failed,
            "history": _inspection_history(request.user, inspection),
            "levels_period": levels.period_around(inspection, timezone.localdate()),
        },
    )


def _inspection_history(user, inspection):
    """The inspection's changes and its answers' (each named by its question)."""
    return recent_changes(
        user,
        Source(inspection.history.all()),
        Source(
            Answer.history.filter(inspection_id=inspection.pk).select_related("item"),
            describe=lambda row: row.item.text,
            # An answer's code (pass, yes) as the result page says it (合格, 是).
            show_value=lambda row, name, value: (
                row.item.display_value(value) if name == "value" else value
            ),
        ),
    )


# --- Hazards ---------------------------------------------------------------


@login_required
def ledger(request):
    visible = Hazard.objects.visible_to(request.user).select_related("institution__township")
    hazard_filter = HazardFilter(request.GET or None, queryset=visible, user=request.user)
    page = CappedPaginator(hazard_filter.qs.order_by("deadline", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": hazard_filter,
        "filter_scope": scope_key(request.user),  # the form's choices follow the scope
        "page": page,
        "query": query.urlencode(),
        "today": timezone.localdate(),
    }
    template = "inspections/_ledger_rows.html" if request.htmx else "inspections/ledger.html"
    return render(request, template, context)


@login_required
def institution_options(request):
    """The ledger's institution picker: up to OPTIONS institutions in the user's scope
    whose name holds what was typed (in the township chosen beside it, if any)."""
    typed = search_text(request.GET, "institution_name")
    institutions = Institution.objects.none()
    if typed:
        institutions = (
            Institution.objects.visible_to(request.user)
            .filter(name__contains=typed)
            .select_related("township")
            .only("pk", "name", "township__name")
            .order_by("name")
        )
        township = request.GET.get("township", "")
        if township.isascii() and township.isdigit() and len(township) <= 18:
            institutions = institutions.filter(township_id=int(township))
    return render(
        request,
        "inspections/_institution_options.html",
        {"institutions": institutions[:INSTITUTION_OPTIONS]},
    )


@login_required
def ledger_xlsx(request):
    """The 隐患台账 as .xlsx, with the same filters and scope as the page: streamed at once,
    or built in the background past EXPORT_ASYNC_ROWS rows; recorded either way."""
    from exports.services import start_export

    return start_export(
        request,
        kind="hazard_ledger",
        source="inspections.exports.hazard_ledger",
        filename=f"hazard-ledger-{timezone.localdate():%Y%m%d}.xlsx",
    )


@login_required
def results_xlsx(request):
    """The answers of the submitted inspections the user may see, and a summary per
    inspection, as .xlsx (township, checklist and submission days may narrow them)."""
    from exports.services import start_export

    return start_export(
        request,
        kind="inspection_results",
        source="inspections.results_export.inspection_results",
        filename=f"inspection-results-{timezone.localdate():%Y%m%d}.xlsx",
    )


def _hazard_for(request, pk):
    return get_object_or_404(
        Hazard.objects.visible_to(request.user).select_related(
            "institution__township", "inspection", "supervised_by"
        ),
        pk=pk,
    )


@login_required
def hazard_detail(request, pk, forms=None):
    hazard = _hazard_for(request, pk)
    user = request.user
    pending = (
        hazard.extensions.filter(status=ExtensionStatus.PENDING)
        .select_related("requested_by")
        .first()
    )
    may_rectify = can_rectify(user, hazard) and hazard.status in (
        HazardStatus.OPEN,
        HazardStatus.RECTIFYING,
    )
    may_verify = (
        can_verify(user, hazard)
        and hazard.status == HazardStatus.SUBMITTED
        and hazard.rectified_by_id != user.pk
    )
    forms = forms or {}
    context = {
        "hazard": hazard,
        "events": hazard.events.select_related("actor"),
        "photos": hazard.photos.all(),
        "pending_extension": pending,
        "may_start": may_rectify and hazard.status == HazardStatus.OPEN,
        "may_rectify": may_rectify,
        "may_verify": may_verify,
        "may_decide_extension": pending and can_decide_extension(user, pending),
        "may_take_over": can_take_over_supervision(user, hazard)
        and hazard.supervised_by_id != user.pk,
        "may_assign_supervisor": can_assign_supervisor(user, hazard),
        "start_form": forms.get("start") or StartRectificationForm(),
        "rectify_form": forms.get("rectify") or RectificationForm(),
        "verify_form": forms.get("verify") or VerifyForm(),
        "reject_form": forms.get("reject") or RejectForm(),
        "extension_form": forms.get("extend") or ExtensionRequestForm(),
        "supervise_form": forms.get("supervise"),
        "assign_form": forms.get("assign-supervisor")
        or AssignSupervisorForm(initial={"officer": hazard.supervised_by_id}),
        "today": timezone.localdate(),
        "history": _hazard_history(user, hazard),
    }
    return render(request, "inspections/hazard_detail.html", context)


def _hazard_history(user, hazard):
    """The hazard's changes, its photos' and its extension requests'."""
    return recent_changes(
        user,
        Source(hazard.history.all()),
        Source(
            HazardPhoto.history.filter(hazard_id=hazard.pk),
            describe=lambda row: row.get_stage_display(),
        ),
        Source(
            DeadlineExtension.history.filter(hazard_id=hazard.pk),
            describe=lambda row: f"{row.requested_deadline:%Y-%m-%d}",
        ),
    )


HAZARD_ACTIONS = {
    "start": (StartRectificationForm, services.start_rectification),
    "rectify": (RectificationForm, services.submit_rectification),
    "verify": (VerifyForm, services.verify_hazard),
    "reject": (RejectForm, services.reject_rectification),
    "extend": (ExtensionRequestForm, services.request_extension),
    "supervise": (TakeOverSupervisionForm, services.take_over_supervision),
    "assign-supervisor": (AssignSupervisorForm, services.assign_supervisor),
}


@login_required
@require_POST
def hazard_action(request, pk, action):
    hazard = _hazard_for(request, pk)
    if action not in HAZARD_ACTIONS:
        raise Http404
    form_class, service = HAZARD_ACTIONS[action]
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            service(hazard=hazard, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(hazard)
    return hazard_detail(request, pk, forms={action: form})


@login_required
@require_POST
def decide_extension(request, pk, extension_pk):
    hazard = _hazard_for(request, pk)
    extension = get_object_or_404(DeadlineExtension, pk=extension_pk, hazard=hazard)
    form = DecideExtensionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose to approve or to refuse."))
    try:
        services.decide_extension(extension=extension, user=request.user, approve=form.approves)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(hazard)


@login_required
def raise_hazard(request, institution_pk):
    institution = get_object_or_404(Institution.objects.visible_to(request.user), pk=institution_pk)
    if not can_raise(request.user, institution):
        raise PermissionDenied
    form = RaiseHazardForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            hazard = services.raise_hazard(
                institution=institution, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Hazard recorded."))
            return redirect(hazard)
    return render(
        request, "inspections/raise_hazard.html", {"form": form, "institution": institution}
    )


# --- Campaigns and ad-hoc inspections ---------------------------------------


@login_required
def campaign_list(request):
    """Campaigns with their progress in the user's scope: officers and admins see and
    manage the county's; township staff see those reaching their township, read-only."""
    user = request.user
    if not can_view_campaigns(user):
        raise PermissionDenied
    campaigns = (
        campaigns_visible_to(user).select_related("template").order_by("-starts_on", "name", "pk")
    )
    page = CappedPaginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    progress = campaign_progress(user, [c.pk for c in page])
    empty = {"done": 0, "due": 0, "overdue": 0}
    rows = [(campaign, progress.get(campaign.pk, empty)) for campaign in page]
    return render(
        request,
        "inspections/campaign_list.html",
        {"page": page, "rows": rows, "may_manage": can_manage_campaigns(user)},
    )


@login_required
def campaign_edit(request, pk=None):
    """Create or change a campaign; "launch" saves it and fans it out at once."""
    if not can_manage_campaigns(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, pk=pk) if pk is not None else None
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        campaign = form.save()
        if "launch" in request.POST:
            _report_launch(request, campaign, launch_campaign(campaign))
        else:
            messages.success(request, _("Campaign saved."))
        return redirect("inspections:campaigns")
    history = campaign and campaign_history(request.user, campaign)
    return render(
        request,
        "inspections/campaign_form.html",
        {"form": form, "campaign": campaign, "history": history},
    )


@login_required
@require_POST
def campaign_launch(request, pk):
    if not can_manage_campaigns(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign.objects.select_related("template"), pk=pk)
    if not campaign.is_active:
        messages.error(request, _("Only an active campaign can be launched."))
    else:
        _report_launch(request, campaign, launch_campaign(campaign))
    return redirect("inspections:campaigns")


def _report_launch(request, campaign, created):
    if created:
        messages.success(
            request,
            _("%(campaign)s launched: %(count)d inspections created.")
            % {"campaign": campaign.name, "count": created},
        )
    else:
        messages.info(
            request,
            _(
                "%(campaign)s launched: no new inspections. Those due within the next week "
                "exist already, or none is due yet; the daily run adds them as they fall due."
            )
            % {"campaign": campaign.name},
        )


CAMPAIGN_PICKERS = {
    "townships": lambda user: Township.objects.visible_to(user).order_by("code"),
    "institutions": lambda user: (
        Institution.objects.visible_to(user)
        .active()
        .select_related("township")
        .order_by("name", "pk")
    ),
}


@login_required
def campaign_options(request):
    """The campaign form's pickers: up to OPTIONS townships or institutions whose name
    holds what was typed, less those already ticked."""
    if not can_manage_campaigns(request.user):
        raise PermissionDenied
    field = request.GET.get("field", "")
    if field not in CAMPAIGN_PICKERS:
        raise Http404
    typed = search_text(request.GET, "q")
    found = []
    if typed:
        ticked = [pk for pk in request.GET.getlist(field) if ID_PATTERN.fullmatch(pk)]
        options = CAMPAIGN_PICKERS[field](request.user).filter(name__contains=typed)
        if ticked:
            options = options.exclude(pk__in=ticked[:1000])
        found = options[:INSTITUTION_OPTIONS]
    return render(request, "inspections/_pick_options.html", {"field": field, "options": found})


@login_required
def adhoc_new(request):
    """An ad-hoc inspection (or, with the drill checklist, a drill record) of one
    institution in the user's scope, due today; then its fill-in form."""
    user = request.user
    if not can_start_adhoc(user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("drill"):
        initial["template"] = (
            ChecklistTemplate.objects.filter(code=DRILL_TEMPLATE_CODE)
            .values_list("pk", flat=True)
            .first()
        )
    form = AdHocInspectionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        institution = form.cleaned_data["institution"]
        if not can_start_adhoc_at(user, institution):  # the form's scope says so already
            raise PermissionDenied
        inspection, created = start_adhoc_inspection(
            institution=institution,
            version=form.cleaned_data["template"].current_version(),
            level=adhoc_level(user),
        )
        if created:
            messages.success(request, _("Inspection started: fill it in below."))
        else:
            messages.info(request, _("This inspection was started today already: carry on."))
        return redirect("inspections:fill", pk=inspection.pk)
    return render(
        request,
        "inspections/adhoc_form.html",
        {
            "form": form,
            "level": Level(adhoc_level(user)).label,
            "has_drill": _drill_template_exists(),
        },
    )


def _drill_template_exists():
    return ChecklistTemplate.objects.filter(
        code=DRILL_TEMPLATE_CODE, versions__is_published=True
    ).exists()


# --- Photos: served through the same scoping as everything else -------------


@login_required
def answer_photo(request, pk):
    answer = get_object_or_404(
        Answer.objects.filter(inspection__in=Inspection.objects.visible_to(request.user)).exclude(
            photo=""
        ),
        pk=pk,
    )
    return image_response(answer.photo, download_name=f"answer-{answer.pk}")


@login_required
def hazard_photo(request, pk):
    photo = get_object_or_404(
        HazardPhoto.objects.filter(hazard__in=Hazard.objects.visible_to(request.user)), pk=pk
    )
    return image_response(photo.image, download_name=f"hazard-{photo.pk}")


# --- The three levels compared (自查 → 排查 → 督导检查) ------------------------------


def _show_period(form, date_from, date_to):
    """The date boxes show the period compared when none was asked for."""
    if not form.is_bound:
        form.initial = {"date_from": date_from, "date_to": date_to}


@login_required
def levels_compared(request, institution_pk):
    """One institution's self-inspection, the township's inspection and the bureau's
    supervisory inspection of a period, item by item (inspections.levels)."""
    institution = get_object_or_404(
        Institution.objects.visible_to(request.user).select_related("township"),
        pk=institution_pk,
    )
    form = LevelsPeriodForm(request.GET or None)
    date_from, date_to = form.period(levels.default_period(timezone.localdate()))
    _show_period(form, date_from, date_to)
    return render(
        request,
        "inspections/levels.html",
        {
            "institution": institution,
            "form": form,
            "comparison": levels.compare(institution, date_from, date_to),
        },
    )


@login_required
def not_credible(request):
    """The institutions whose self-inspection passed items the township or the bureau
    failed (自查不实) in a period, most such items first: the league table's drill-down."""
    user = request.user
    if not can_compare_levels(user):
        raise PermissionDenied
    form = NotCredibleFilterForm(request.GET or None, user=user)
    date_from, date_to = form.period(levels.default_period(timezone.localdate()))
    _show_period(form, date_from, date_to)
    rows = levels.not_credible_institutions(
        user, date_from, date_to, township=form.chosen("township"), kind=form.chosen("kind")
    )
    page = levels.CappedRowsPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/not_credible.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "period": {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
        },
    )
