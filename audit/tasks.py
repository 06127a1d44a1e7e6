from celery import shared_task

from audit import chain


@shared_task(name="audit.verify_chain")
def verify_chain():
    """Walk the audit chain; a break is logged, mailed and notified (chain.verify_and_alert)."""
    result = chain.verify_and_alert()
    return {"rows": result.rows, "breaks": result.break_count}


@shared_task(name="audit.archive")
def archive():
    """Move the rows past AUDIT_RETENTION_DAYS to a file under AUDIT_ARCHIVE_DIR."""
    run = chain.archive_or_alert()
    return {"rows": run.rows, "file": run.file_name} if run else {"rows": 0}
