from celery import shared_task

from imports import progress


# Named imports.import_* so that the `*.import_*` route sends it to the bulk queue.
@shared_task(name="imports.import_rows")
def import_rows(kind, token, user_id, valid_only):
    progress.import_kept_file(kind=kind, token=token, user_id=user_id, valid_only=valid_only)


@shared_task(name="imports.import_check")
def import_check(kind, token, user_id):
    progress.check_kept_file(kind=kind, token=token, user_id=user_id)
