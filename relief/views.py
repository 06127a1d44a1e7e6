from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Exists, OuterRef, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

import audit
from config.counts import CachedCountPaginator, cached_figure
from config.forms import add_service_errors
from config.history import Source, recent_changes
from exports.services import start_export
from institutions.models import Township
from relief import services
from relief.forms import (
    ID_QUERY_RE,
    ApplicationForm,
    ApplicationListForm,
    BatchForm,
    CategoryForm,
    ChildReportForm,
    ExcludeForm,
    FoundHandleForm,
    FoundReportForm,
    MonitoringFlagForm,
    MonitoringReviewForm,
    NoteForm,
    ObjectionForm,
    ObjectionResolveForm,
    PaidForm,
    PeopleSearchForm,
    PersonForm,
    PriceTriggerForm,
    TransferRequestForm,
    VisitForm,
    VisitListForm,
)
from relief.home import overdue_visits_count
from relief.models import (
    RECOGNITION_OPEN,
    Application,
    ApplicationStatus,
    BatchLine,
    ChildRecognition,
    DisbursementBatch,
    FoundReport,
    FoundStatus,
    HomeVisit,
    Household,
    MonitoringFlag,
    NoticeObjection,
    ObjectionStatus,
    Payment,
    Person,
    PersonCategory,
    PriceTrigger,
    RecognitionStatus,
    RegistrationConflict,
    TransferRequest,
    TransferStatus,
    price_thresholds,
    public_notice_days,
)
from relief.printing import issuing_unit, township_id_of
from relief.validators import mask_id_number, mask_phone, normalize_id_number

PAGE_SIZE = 30
# People overdue for a visit shown on the relief home page; the rest are on the people list.
HOME_OVERDUE = 10
BATCH_PAGE_SIZE = 100


def _require_relief_role(user):
    if not (user.is_county_wide or user.is_township_staff):
        raise PermissionDenied


def _require_relief_or_village_role(user):
    """The pages a village worker shares with the relief staff: their village's people, its
    visits and the children found there (the rows are scoped by visible_to)."""
    if not (user.is_county_wide or user.is_township_staff or user.is_village_worker):
        raise PermissionDenied


def _redirect_back(request, default):
    """To the posted `next` if it is a page of this site, else to `default`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(default)


@login_required
def index(request):
    user = request.user
    if user.is_village_worker:
        return redirect("relief:people")
    _require_relief_role(user)
    waiting = Application.objects.waiting_for(user).select_related("person", "programme")
    context = {
        # The first few along the list's index (each probed for being overdue until enough
        # are found) and the count as a cached figure: the page costs the same at any size.
        "overdue": Person.objects.visible_to(user)
        .overdue_for_visit()
        .in_list_order(user)
        .select_related("township")[:HOME_OVERDUE],
        "overdue_count": overdue_visits_count(user),
        "waiting": waiting[:30],
        "batches": DisbursementBatch.objects.select_related("programme")[:12]
        if user.is_county_wide
        else [],
        # A township downloads its part of the rosters it hands out and has signed.
        "rosters": DisbursementBatch.objects.visible_to(user).select_related("programme")[:12]
        if user.is_township_staff
        else [],
        "conflicts_open": cached_figure(
            "relief",
            "conflicts_open",
            user,
            lambda: RegistrationConflict.objects.visible_to(user).open().count(),
        )
        if user.is_county_wide
        else 0,
    }
    return render(request, "relief/index.html", context)


def _search_people(found, text):
    """A name from its start (a prefix lookup an index answers), or a whole ID number
    through its keyed digest (a unique index): a search costs the same however many people
    the county holds. A part of an ID number is refused by the form: the number is
    encrypted, so nothing can compare its start."""
    as_id = normalize_id_number(text)
    if ID_QUERY_RE.fullmatch(as_id):
        return found.with_id_number(as_id)
    return found.filter(name__startswith=text)


@login_required
def people(request):
    user = request.user
    _require_relief_or_village_role(user)
    form = PeopleSearchForm(request.GET or None)
    found = Person.objects.visible_to(user).select_related("township")
    if form.is_valid():
        if form.cleaned_data["q"].strip():
            found = _search_people(found, form.cleaned_data["q"])
        if form.cleaned_data["category"]:
            found = found.in_category(form.cleaned_data["category"])
        if form.cleaned_data["overdue"]:
            found = found.overdue_for_visit()
    else:
        found = found.none() if form.is_bound else found
    query = request.GET.copy()
    query.pop("page", None)
    paginator = CachedCountPaginator(
        found.in_list_order(user),
        PAGE_SIZE,
        topic="relief",
        name="people:" + query.urlencode(),
        user=user,
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "relief/people.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def _person_form_context(form, error):
    """What the form page shows about a number already taken: a link to the person when the
    user may see them, else a way to ask the bureau for a transfer."""
    context = {"form": form}
    if isinstance(error, services.IdNumberTaken):
        context["holder"] = error.holder
        context["conflict"] = error.conflict
        if error.conflict is not None:
            context["transfer_form"] = TransferRequestForm(
                initial={
                    "village": form.cleaned_data.get("village", ""),
                    "address": form.cleaned_data.get("address", ""),
                }
            )
    return context


@sensitive_post_parameters("id_number")
@login_required
def person_new(request):
    _require_relief_role(request.user)
    form = PersonForm(request.POST or None, user=request.user)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.register_person(user=request.user, **form.cleaned_data)
        except ValidationError as refused:
            add_service_errors(form, refused)
            error = refused
        else:
            messages.success(request, _("%(name)s registered.") % {"name": person.name})
            return redirect(person)
    return render(request, "relief/person_form.html", _person_form_context(form, error))


@sensitive_post_parameters("id_number")
@login_required
def person_edit(request, pk):
    _require_relief_role(request.user)
    person = _person_for(request, pk)
    if not services.may_see_full_id(request.user, person):
        raise PermissionDenied
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    error = None
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        person.refresh_from_db()
        try:
            services.update_person(person=person, user=request.user, **fields)
        except ValidationError as refused:
            add_service_errors(form, refused)
            error = refused
        else:
            messages.success(request, _("Saved."))
            return redirect(person)
    context = _person_form_context(form, error)
    context["person"] = person
    # The form shows the full number.
    audit.record(audit.Event.FULL_ID_SHOWN, request=request, obj=person, page="edit")
    return render(request, "relief/person_form.html", context)


def _person_for(request, pk):
    return get_object_or_404(
        Person.objects.visible_to(request.user).select_related("township", "household"), pk=pk
    )


# What a person page lists of each history (payments, applications, visits), newest first.
RECENT = 24


class Latest(list):
    """The newest RECENT rows of a history; `more` says whether older ones were left out."""

    more = False


def _latest(queryset):
    rows = list(queryset[: RECENT + 1])
    latest = Latest(rows[:RECENT])
    latest.more = len(rows) > RECENT
    return latest


@login_required
def person_detail(request, pk, forms=None):
    person = _person_for(request, pk)
    user = request.user
    forms = forms or {}
    full = services.may_see_full_id(user, person)
    if user.is_village_worker:
        return _person_for_village_worker(request, person, forms)
    context = {
        "person": person,
        "may_visit": services.may_record_visit(user, person),
        "id_number": person.id_number if full else person.masked_id,
        # The phone number, like the ID number, in full only for those who may see it.
        "phone": person.phone if full else mask_phone(person.phone),
        "categories": person.categories.all(),
        # A person paid monthly for years has hundreds of payments: the latest, newest first.
        "payments": _latest(person.payments.select_related("programme").order_by("-approved_at")),
        "applications": _latest(person.applications.select_related("programme")),
        "visits": _latest(person.visits.select_related("visitor", "follow_up_owner")),
        "duplicates": person.likely_duplicates()[:PAGE_SIZE]
        if person.duplicate_status == "flagged"
        else [],
        "category_form": forms.get("category") or CategoryForm(),
        "application_form": forms.get("application") or ApplicationForm(),
        "visit_form": forms.get("visit") or VisitForm(user=user, person=person),
        "may_file": user.is_township_staff and user.township_id == person.township_id,
        "history": _person_history(user, person),
    }
    if full:
        # PIPL: every display of a full ID number is in the audit log.
        audit.record(audit.Event.FULL_ID_SHOWN, request=request, obj=person)
    return render(request, "relief/person.html", context)


def _person_for_village_worker(request, person, forms):
    """What a village worker sees of a person of their village: masked numbers, categories,
    visits and the forms to record a visit or report a child; not what the person was paid,
    applied for or the history of changes."""
    user = request.user
    return render(
        request,
        "relief/person.html",
        {
            "person": person,
            "village_view": True,
            "id_number": person.masked_id,
            "phone": mask_phone(person.phone),
            "categories": person.categories.all(),
            "visits": _latest(person.visits.select_related("visitor", "follow_up_owner")),
            "visit_form": forms.get("visit") or VisitForm(user=user, person=person),
            "may_visit": services.may_record_visit(user, person),
        },
    )


def _person_history(user, person):
    """The person's changes and those of what the page shows of them: household,
    categories, visits, payments and applications."""
    household = []
    if person.household_id:
        household = [
            Source(
                Household.history.filter(id=person.household_id),
                describe=lambda row: row.address,
            )
        ]
    return recent_changes(
        user,
        Source(person.history.all()),
        *household,
        Source(
            PersonCategory.history.filter(person_id=person.pk),
            describe=lambda row: row.get_category_display(),
        ),
        Source(
            HomeVisit.history.filter(person_id=person.pk),
            describe=lambda row: f"{row.visited_on:%Y-%m-%d}",
        ),
        Source(
            Payment.history.filter(person_id=person.pk).select_related("programme"),
            describe=lambda row: f"{row.programme} {row.period}",
        ),
        Source(
            Application.history.filter(person_id=person.pk).select_related("programme"),
            describe=lambda row: str(row.programme),
        ),
    )


@login_required
@require_POST
def person_action(request, pk, action):
    person = _person_for(request, pk)
    user = request.user
    if user.is_village_worker and action != "visit":
        raise PermissionDenied  # a village worker records visits, nothing else
    if not (services.may_see_full_id(user, person) or services.in_own_village(user, person)):
        raise PermissionDenied
    if action == "distinct":
        services.mark_distinct(person=person, user=user)
        return redirect(person)
    builders = {
        "category": lambda: CategoryForm(request.POST),
        "application": lambda: ApplicationForm(request.POST),
        "visit": lambda: VisitForm(request.POST, user=user, person=person),
    }
    if action not in builders:
        raise PermissionDenied
    form = builders[action]()
    if form.is_valid():
        try:
            if action == "category":
                form.instance.person = person
                form.save()
            elif action == "application":
                services.file_application(user=user, person=person, **form.cleaned_data)
            else:
                services.record_visit(person=person, user=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(person)
    return person_detail(request, pk, forms={action: form})


@login_required
def applications(request):
    _require_relief_role(request.user)
    form = ApplicationListForm(request.GET or None)
    found = form.filter(Application.objects.visible_to(request.user)).select_related(
        "person", "township", "programme", "filed_by"
    )
    status = (form.cleaned_data.get("status") if form.is_valid() else None) or None
    paginator = CachedCountPaginator(
        found, PAGE_SIZE, topic="relief", name=f"applications:{status}", user=request.user
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "relief/applications.html",
        {
            "page": page,
            "statuses": ApplicationStatus.choices,
            "status": status,
            "query": f"status={status}" if status else "",
        },
    )


@login_required
def applications_xlsx(request):
    """The applications list as .xlsx, with the page's scope and status filter."""
    _require_relief_role(request.user)
    return start_export(
        request,
        kind="relief_applications",
        source="relief.exports.applications",
        filename=f"relief-applications-{timezone.localdate():%Y%m%d}.xlsx",
    )


@login_required
def visits(request):
    user = request.user
    _require_relief_or_village_role(user)
    form = VisitListForm(request.GET or None, user=user)
    found = (
        form.filter(HomeVisit.objects.visible_to(user))
        .select_related("person__township", "visitor", "follow_up_owner")
        .order_by("-visited_on", "-pk")
    )
    query = request.GET.copy()
    query.pop("page", None)
    paginator = CachedCountPaginator(
        found, PAGE_SIZE, topic="relief", name="visits:" + query.urlencode(), user=user
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "relief/visits.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
def visits_xlsx(request):
    """The home visits list as .xlsx, with the page's scope and filters."""
    _require_relief_role(request.user)
    return start_export(
        request,
        kind="relief_visits",
        source="relief.exports.home_visits",
        filename=f"home-visits-{timezone.localdate():%Y%m%d}.xlsx",
    )


@login_required
@require_POST
def application_action(request, pk, action):
    application = get_object_or_404(Application.objects.visible_to(request.user), pk=pk)
    form = NoteForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    actions = {
        "review": lambda: services.review_application(
            application=application, user=request.user, note=note
        ),
        "approve": lambda: services.approve_application(
            application=application, user=request.user, note=note
        ),
        "reject": lambda: services.reject_application(
            application=application, user=request.user, note=note
        ),
        "return": lambda: services.return_application(
            application=application, user=request.user, note=note
        ),
    }
    if action not in actions:
        raise PermissionDenied
    try:
        actions[action]()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return _redirect_back(request, "relief:applications")


@login_required
def batches(request):
    if not request.user.is_county_wide:
        raise PermissionDenied
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.generate_batch(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(batch)
    # A batch a month per programme: years of them, a page at a time.
    found = DisbursementBatch.objects.select_related("programme").order_by("-period", "-pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "relief/batches.html", {"form": form, "batches": page, "page": page})


@login_required
def batch(request, pk):
    if not request.user.is_county_wide:
        raise PermissionDenied
    batch = get_object_or_404(
        DisbursementBatch.objects.select_related("programme", "approved_by"), pk=pk
    )
    # A county's monthly allowance roster has thousands of lines: a page of them at a time.
    lines = Paginator(batch.lines.in_roster_order(), BATCH_PAGE_SIZE)
    page = lines.get_page(request.GET.get("page"))
    return render(
        request,
        "relief/batch.html",
        {
            "batch": batch,
            "lines": page,
            "page": page,
            "exclude_form": ExcludeForm(),
            "paid_form": PaidForm(),
            "history": _batch_history(request.user, batch),
        },
    )


def _batch_history(user, batch):
    """The batch's changes and its lines' and payments' after they were made: their
    making is the roster the page lists (thousands of lines), the changes are few."""
    return recent_changes(
        user,
        Source(batch.history.all()),
        Source(
            BatchLine.history.filter(batch_id=batch.pk),
            describe=lambda row: row.person_name,
            changes_only=True,
        ),
        Source(
            Payment.history.filter(batch_id=batch.pk).select_related("person"),
            describe=lambda row: str(row.person),
            changes_only=True,
        ),
    )


@login_required
def batch_xlsx(request, pk):
    """The batch's 发放花名册 as .xlsx: the bureau's whole roster (?township= one township's,
    ?layout=township a sheet each), a township clerk their own township's lines; a batch
    that pays nobody of the clerk's township is a 404 (relief.exports.batch_roster)."""
    _require_relief_role(request.user)
    return start_export(
        request,
        kind="relief_roster",
        source="relief.exports.batch_roster",
        filename=f"disbursement-roster-{pk}-{timezone.localdate():%Y%m%d}.xlsx",
        params={"batch": [str(pk)]},
    )


@login_required
@require_POST
def batch_action(request, pk, action):
    if not request.user.is_county_wide:
        raise PermissionDenied
    batch = get_object_or_404(DisbursementBatch, pk=pk)
    try:
        if action == "approve":
            services.approve_batch(batch=batch, user=request.user)
        elif action == "paid":
            form = PaidForm(request.POST)
            if form.is_valid():
                services.mark_batch_paid(batch=batch, user=request.user, **form.cleaned_data)
            else:
                _form_errors_as_message(request, form)
        elif action == "exclude":
            form = ExcludeForm(request.POST)
            if not form.is_valid():
                if "line" in form.errors:
                    raise Http404
                _form_errors_as_message(request, form)
                return _redirect_back(request, batch)
            line = get_object_or_404(BatchLine, pk=form.cleaned_data["line"], batch=batch)
            services.exclude_from_batch(
                line=line, user=request.user, reason=form.cleaned_data["reason"]
            )
        else:
            raise PermissionDenied
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    # Back to the page of the roster the action was taken on.
    return _redirect_back(request, batch)


def _form_errors_as_message(request, form):
    messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))


# --- Conflicts and transfers between townships -------------------------------------------


@login_required
def transfers(request):
    """The bureau resolves conflicts and decides transfers; a township follows its own."""
    user = request.user
    _require_relief_role(user)
    conflicts = RegistrationConflict.objects.visible_to(user).select_related(
        "township", "asked_by", "person__township", "duplicate__township", "transfer"
    )
    requests = TransferRequest.objects.visible_to(user).select_related(
        "person", "from_township", "to_township", "requested_by", "decided_by"
    )
    context = {
        "open_conflicts": conflicts.open()[:PAGE_SIZE],
        "resolved_conflicts": conflicts.filter(resolved_at__isnull=False)[:PAGE_SIZE],
        "pending": requests.filter(status=TransferStatus.PENDING)[:PAGE_SIZE],
        "decided": requests.exclude(status=TransferStatus.PENDING)[:PAGE_SIZE],
        "note_form": NoteForm(),
    }
    return render(request, "relief/transfers.html", context)


@login_required
def conflict_transfer(request, pk):
    """The refused township asks for the person to be moved to it."""
    conflict = get_object_or_404(RegistrationConflict.objects.visible_to(request.user), pk=pk)
    if not request.user.is_township_staff:
        raise PermissionDenied
    form = TransferRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_transfer(conflict=conflict, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The transfer request has been sent to the bureau."))
            return redirect("relief:transfers")
    return render(request, "relief/transfer_form.html", {"form": form, "conflict": conflict})


@login_required
@require_POST
def conflict_resolve(request, pk):
    conflict = get_object_or_404(RegistrationConflict.objects.visible_to(request.user), pk=pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.resolve_conflict(conflict=conflict, user=request.user, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("relief:transfers")


@login_required
@require_POST
def transfer_action(request, pk, action):
    transfer = get_object_or_404(TransferRequest.objects.visible_to(request.user), pk=pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    actions = {"approve": services.approve_transfer, "refuse": services.refuse_transfer}
    if action not in actions:
        raise PermissionDenied
    try:
        actions[action](transfer=transfer, user=request.user, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("relief:transfers")


# --- Public notice (公示) and objections -----------------------------------------


def _notice_township(request):
    """The township the 公示 is narrowed to: a clerk's own; the county's choice (?township=)."""
    user = request.user
    if user.is_township_staff:
        return user.township
    pk = township_id_of(request.GET)
    return None if pk is None else Township.objects.filter(pk=pk).first()


def _posted(user, township):
    found = Application.objects.visible_to(user).in_public_notice()
    if township is not None:
        found = found.filter(township=township)
    return found


@login_required
def public_notice(request):
    """The applications in 公示 now, with their objections; the bureau resolves objections and
    pays what has passed its notice."""
    user = request.user
    _require_relief_role(user)
    township = _notice_township(request)
    open_objections = NoticeObjection.objects.filter(
        application=OuterRef("pk"), status=ObjectionStatus.OPEN
    )
    posted = (
        _posted(user, township)
        .select_related("person", "programme", "township")
        .annotate(objected=Exists(open_objections))
        .order_by("township_id", "notice_ends_on", "pk")
    )
    page = Paginator(posted, PAGE_SIZE).get_page(request.GET.get("page"))
    objections = NoticeObjection.objects.visible_to(user).open()
    if township is not None:
        objections = objections.filter(application__township=township)
    objections = objections.select_related(
        "application__person", "application__programme", "recorded_by"
    ).order_by("recorded_at", "pk")
    objection_page = Paginator(objections, PAGE_SIZE).get_page(request.GET.get("objections"))
    return render(
        request,
        "relief/public_notice.html",
        {
            "page": page,
            "objections": objection_page,
            "township": township,
            "townships": Township.objects.visible_to(user) if user.is_county_wide else [],
            "notice_days": public_notice_days(),
            "resolve_form": ObjectionResolveForm(),
        },
    )


@login_required
def public_notice_print(request):
    """The 公示 list to post, a township at a time: names, masked ID numbers, villages,
    programmes and amounts, and until when objections are heard."""
    user = request.user
    _require_relief_role(user)
    township = _notice_township(request)
    if township is None and not user.is_county_wide:
        raise PermissionDenied
    rows = (
        _posted(user, township)
        .order_by("township_id", "person__village", "person__name", "pk")
        .values_list(
            "township__name",
            "person__name",
            "person__village",
            "person__id_number",
            "programme__name",
            "amount",
            "notice_starts_on",
            "notice_ends_on",
        )
    )
    lines = [
        {
            "number": number,
            "township": row[0],
            "name": row[1],
            "village": row[2],
            "masked_id": mask_id_number(row[3]),
            "programme": row[4],
            "amount": row[5],
            "starts_on": row[6],
            "ends_on": row[7],
        }
        for number, row in enumerate(rows, start=1)
    ]
    return render(
        request,
        "relief/public_notice_print.html",
        {
            "lines": lines,
            "township": township,
            "issuer": issuing_unit(),
            "printed_on": timezone.localdate(),
            "notice_days": public_notice_days(),
        },
    )


def _posted_application(request, pk):
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related("person", "programme"), pk=pk
    )


@login_required
def objection_new(request, pk):
    application = _posted_application(request, pk)
    if not services.may_record_objection(request.user, application):
        raise PermissionDenied
    form = ObjectionForm(request.POST or None, initial={"raised_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.raise_objection(
                application=application, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Objection recorded: the payment is held."))
            return redirect("relief:public_notice")
    return render(request, "relief/objection_form.html", {"form": form, "application": application})


@login_required
@require_POST
def objection_action(request, pk, action):
    objection = get_object_or_404(NoticeObjection.objects.visible_to(request.user), pk=pk)
    if action not in ("uphold", "dismiss"):
        raise PermissionDenied
    form = ObjectionResolveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.resolve_objection(
            objection=objection, user=request.user, upheld=action == "uphold", note=note
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return _redirect_back(request, "relief:public_notice")


@login_required
@require_POST
def notice_release(request):
    paid = services.release_after_notice(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d application paid after its public notice.",
            "%(count)d applications paid after their public notice.",
            paid,
        )
        % {"count": paid},
    )
    return redirect("relief:public_notice")


# --- Orphans and de-facto unsupported children: 认定 -----------------------------------

RECENTLY_DECIDED = 10


@login_required
def recognitions(request):
    """Children found and not yet decided, longest waiting first, with how long; then the
    latest decided."""
    user = request.user
    _require_relief_or_village_role(user)
    visible = ChildRecognition.objects.visible_to(user)
    waiting = visible.waiting().select_related("person", "township", "checked_by")
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for recognition in page:
        recognition.waited = recognition.days_waiting(today)
    decided = (
        visible.exclude(status__in=RECOGNITION_OPEN)
        .select_related("person", "township", "decided_by")
        .order_by("-decided_at", "-pk")[:RECENTLY_DECIDED]
    )
    return render(
        request, "relief/recognitions.html", {"page": page, "decided": decided, "today": today}
    )


@login_required
def recognition_new(request, person_pk):
    person = _person_for(request, person_pk)
    if not services.may_report_child(request.user, person):
        raise PermissionDenied
    form = ChildReportForm(request.POST or None, initial={"found_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            recognition = services.report_child(
                user=request.user, person=person, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Reported: the township checks next."))
            return redirect(recognition)
    return render(request, "relief/recognition_form.html", {"form": form, "person": person})


def _recognition_for(request, pk):
    return get_object_or_404(
        ChildRecognition.objects.visible_to(request.user).select_related(
            "person", "township", "recorded_by", "checked_by", "decided_by", "category"
        ),
        pk=pk,
    )


@login_required
def recognition(request, pk):
    recognition = _recognition_for(request, pk)
    user = request.user
    return render(
        request,
        "relief/recognition.html",
        {
            "recognition": recognition,
            "waited": recognition.days_waiting(),
            "may_check": recognition.status == RecognitionStatus.FOUND
            and user.is_township_staff
            and user.township_id == recognition.township_id,
            "may_decide": recognition.status == RecognitionStatus.CHECKED
            and user.is_county_wide
            and user.pk != recognition.checked_by_id,
            "note_form": NoteForm(),
        },
    )


@login_required
@require_POST
def recognition_action(request, pk, action):
    recognition = _recognition_for(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    user = request.user
    actions = {
        "confirm": lambda: services.check_recognition(
            recognition=recognition, user=user, confirmed=True, note=note
        ),
        "not-confirmed": lambda: services.check_recognition(
            recognition=recognition, user=user, confirmed=False, note=note
        ),
        "approve": lambda: services.decide_recognition(
            recognition=recognition, user=user, approve=True, note=note
        ),
        "refuse": lambda: services.decide_recognition(
            recognition=recognition, user=user, approve=False, note=note
        ),
    }
    if action not in actions:
        raise PermissionDenied
    try:
        actions[action]()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect(recognition)


# --- Price temporary subsidy (价格临时补贴) ---------------------------------------------


@login_required
def price_triggers(request):
    """The months' CPI figures against the thresholds; a triggered month's batch."""
    if not request.user.is_county_wide:
        raise PermissionDenied
    form = PriceTriggerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            trigger = services.record_price_trigger(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if trigger.batch_id:
                messages.success(request, _("Triggered: the month's batch has been generated."))
                return redirect(trigger.batch)
            messages.success(request, _("Recorded: below the thresholds, nothing is paid."))
            return redirect("relief:price_triggers")
    found = PriceTrigger.objects.select_related(
        "programme", "batch__programme", "recorded_by"
    ).order_by("-period", "-pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    cpi_threshold, food_threshold = price_thresholds()
    return render(
        request,
        "relief/price_triggers.html",
        {
            "form": form,
            "page": page,
            "cpi_threshold": cpi_threshold,
            "food_threshold": food_threshold,
        },
    )


# --- Low-income population monitoring (低收入人口动态监测) ----------------------------------


@login_required
def monitoring(request):
    """People monitored, the review due soonest (or overdue) first."""
    user = request.user
    _require_relief_role(user)
    flags = (
        MonitoringFlag.objects.visible_to(user)
        .open()
        .select_related("person", "township", "flagged_by")
        .order_by("review_on", "pk")
    )
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "relief/monitoring.html",
        {"page": page, "today": timezone.localdate(), "review_form": MonitoringReviewForm()},
    )


@login_required
def monitoring_new(request, person_pk):
    person = _person_for(request, person_pk)
    if not services.may_see_full_id(request.user, person):
        raise PermissionDenied
    form = MonitoringFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_for_monitoring(user=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Flagged for monitoring."))
            return redirect("relief:monitoring")
    return render(request, "relief/monitoring_form.html", {"form": form, "person": person})


@login_required
@require_POST
def monitoring_review(request, pk):
    flag = get_object_or_404(MonitoringFlag.objects.visible_to(request.user), pk=pk)
    form = MonitoringReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect("relief:monitoring")
    try:
        services.review_monitoring(user=request.user, flag=flag, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("relief:monitoring")


# --- People found in a village (主动发现) -----------------------------------------------


@login_required
def found_reports(request):
    """The people found: a village worker's village, a township's, or the county's; open
    ones first, newest first."""
    user = request.user
    _require_relief_or_village_role(user)
    reports = (
        FoundReport.objects.visible_to(user)
        .select_related("township", "reported_by")
        .order_by(Case(When(status=FoundStatus.OPEN, then=0), default=1), "-reported_at", "-pk")
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "relief/found_reports.html",
        {"page": page, "may_report": services.may_report_found(user)},
    )


@login_required
def found_report_new(request):
    user = request.user
    if not services.may_report_found(user):
        raise PermissionDenied
    form = FoundReportForm(
        request.POST or None, user=user, initial={"found_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            report = services.report_found(user=user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Reported: the township checks next."))
            return redirect(report)
    return render(request, "relief/found_report_form.html", {"form": form})


def _found_report_for(request, pk):
    return get_object_or_404(
        FoundReport.objects.visible_to(request.user).select_related(
            "township", "reported_by", "handled_by", "person"
        ),
        pk=pk,
    )


@login_required
def found_report(request, pk, form=None):
    report = _found_report_for(request, pk)
    may_handle = report.is_open and services.may_handle_found(request.user, report)
    return render(
        request,
        "relief/found_report.html",
        {
            "report": report,
            "may_handle": may_handle,
            "form": form or (FoundHandleForm() if may_handle else None),
            # The person registered, linked for those who may open their page.
            "person_visible": report.person_id is not None
            and Person.objects.visible_to(request.user).filter(pk=report.person_id).exists(),
        },
    )


@sensitive_post_parameters("id_number")
@login_required
@require_POST
def found_report_handle(request, pk):
    report = _found_report_for(request, pk)
    if not services.may_handle_found(request.user, report):
        raise PermissionDenied
    form = FoundHandleForm(request.POST)
    if form.is_valid():
        try:
            services.handle_found(report=report, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(report)
    return found_report(request, pk, form=form)
