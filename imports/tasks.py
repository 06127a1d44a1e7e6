from celery import shared_task

from imports import progress


# A message can come twice: a worker killed after the work but before acknowledging it has
# it sent again (docs/scaling.md). Once an upload is imported its file is gone and its
# state says so: a second run would read no file and say "failed" over "done".
def _already(token, *states):
    return (progress.get(token) or {}).get("state") in states


# Named imports.import_* so that the `*.import_*` route sends it to the bulk queue.
@shared_task(name="imports.import_rows")
def import_rows(kind, token, user_id, valid_only):
    if _already(token, "done"):
        return
    progress.import_kept_file(kind=kind, token=token, user_id=user_id, valid_only=valid_only)


@shared_task(name="imports.import_check")
def import_check(kind, token, user_id):
    # Past the check (checked, or confirmed and imported): a late second check would put
    # the preview back over the import's progress.
    if _already(token, "checked", "done"):
        return
    progress.check_kept_file(kind=kind, token=token, user_id=user_id)
