"""Choose what to import, upload, see each bad row and cell, then confirm.

The uploaded workbook is kept under IMPORTS_DIR by a random token that only the uploader's
session knows, checked again on confirmation (the database may have changed in between),
and deleted once imported.
"""

import io
import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.xlsx import xlsx_response
from imports import progress
from imports.forms import ConfirmForm, UploadForm
from imports.reader import MAX_UPLOAD_BYTES, BadFile, read_workbook
from imports.services import KINDS, kinds_for, rejects_sheet, run_import

SESSION_KEY = "imports"
KEPT_IN_SESSION = 10
# Beyond this many rows, confirming runs the import as a Celery task with a progress bar.
SYNC_ROWS = 1000


def _kind_for(request, slug):
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404
    if not kind.may_import(request.user):
        raise PermissionDenied
    return kind


def _kept(request, kind, token):
    """What the session knows of this upload: {"kind", "rows"}; only the uploader's does."""
    kept = request.session.get(SESSION_KEY, {}).get(str(token))
    if not kept or kept.get("kind") != kind.slug:
        raise Http404
    return kept


def _kept_path(request, kind, token):
    _kept(request, kind, token)
    path = progress.kept_path(token)
    if not path.exists():
        raise Http404
    return path


def _read_kept(kind, path):
    with path.open("rb") as stream:
        return read_workbook(stream, kind.headers())


@login_required
def index(request):
    kinds = kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    return render(request, "imports/index.html", {"kinds": kinds})


@login_required
def template(request, kind):
    kind = _kind_for(request, kind)
    headers = [label for label, _accepted in kind.headers()]
    sheet = (str(kind.title), headers, [kind.example_row()], [18] * len(headers))
    return xlsx_response(f"{kind.slug}-template.xlsx", [sheet])


@login_required
def upload(request, kind):
    kind = _kind_for(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        # Never more than the cap in memory, whatever the client sent.
        data = file.read(MAX_UPLOAD_BYTES + 1) if file.size <= MAX_UPLOAD_BYTES else b""
        try:
            if not data:
                raise BadFile(_("The file is larger than 20 MB. Split it into smaller files."))
            sheet = read_workbook(io.BytesIO(data), kind.headers())
        except BadFile as error:
            form.add_error("file", str(error))
        else:
            if not sheet.rows:
                form.add_error("file", _("The sheet has no rows under its headers."))
            else:
                progress.prune_kept()
                token = uuid.uuid4()
                progress.imports_dir().mkdir(parents=True, exist_ok=True)
                progress.kept_path(token).write_bytes(data)
                kept = request.session.get(SESSION_KEY, {})
                kept[str(token)] = {"kind": kind.slug, "rows": len(sheet.rows)}
                # The session remembers the last few uploads, not every one ever made.
                request.session[SESSION_KEY] = dict(list(kept.items())[-KEPT_IN_SESSION:])
                if len(sheet.rows) > SYNC_ROWS:
                    return _start_check(request, kind, token, len(sheet.rows))
                checked = kind.check(request.user, sheet.rows)
                return render(request, "imports/preview.html", _preview(kind, token, checked))
    return render(request, "imports/upload.html", {"kind": kind, "form": form})


def _preview(kind, token, checked):
    return {"kind": kind, "token": token, "summary": progress.summary_of(checked)}


def _start_check(request, kind, token, rows):
    from imports.tasks import import_check

    progress.save(token, state="queued", done=0, total=rows)
    user_id = request.user.pk
    transaction.on_commit(lambda: import_check.delay(kind.slug, str(token), user_id))
    return redirect("imports:progress", kind.slug, token)


@login_required
@require_POST
def confirm(request, kind, token):
    kind = _kind_for(request, kind)
    path = _kept_path(request, kind, token)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise Http404
    if _kept(request, kind, token)["rows"] > SYNC_ROWS:
        return _start_task(request, kind, token, form)
    try:
        sheet = _read_kept(kind, path)
    except BadFile as error:
        raise Http404 from error
    valid_only = form.cleaned_data["mode"] == ConfirmForm.VALID_ONLY
    checked, outcome = run_import(
        kind=kind, user=request.user, rows=sheet.rows, valid_only=valid_only
    )
    if not outcome.written:
        return render(request, "imports/preview.html", _preview(kind, token, checked))
    if not checked.errors:
        path.unlink(missing_ok=True)
    context = {
        "kind": kind,
        "token": token,
        "outcome": outcome,
        "has_rejects": bool(checked.errors),
    }
    return render(request, "imports/result.html", context)


def _start_task(request, kind, token, form):
    from imports.tasks import import_rows

    valid_only = form.cleaned_data["mode"] == ConfirmForm.VALID_ONLY
    rows = _kept(request, kind, token)["rows"]
    progress.save(token, state="queued", done=0, total=rows)
    user_id = request.user.pk
    transaction.on_commit(lambda: import_rows.delay(kind.slug, str(token), user_id, valid_only))
    return redirect("imports:progress", kind.slug, token)


@login_required
def import_progress(request, kind, token):
    """The progress of a large import; its htmx fragment asks again every second until done."""
    kind = _kind_for(request, kind)
    _kept(request, kind, token)
    state = progress.get(token)
    if state is None:
        raise Http404
    context = {"kind": kind, "token": token, "job": state}
    if request.htmx:
        return render(request, "imports/_progress.html", context)
    return render(request, "imports/progress.html", context)


@login_required
def rejects(request, kind, token):
    kind = _kind_for(request, kind)
    path = _kept_path(request, kind, token)
    try:
        sheet = _read_kept(kind, path)
    except BadFile as error:
        raise Http404 from error
    checked = kind.check(request.user, sheet.rows)
    return xlsx_response(f"{kind.slug}-rejects.xlsx", [rejects_sheet(kind, checked)])
