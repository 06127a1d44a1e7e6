from celery import shared_task

from exports import services


# "exports.export_*" goes to the bulk queue (CELERY_TASK_ROUTES).
@shared_task(name="exports.export_run", bind=True)
def export_run(self, job_id):
    # The same message again: retried after its worker child died, or handed back by
    # Redis after the whole worker died (CELERY_TASK_RETRY_ON_WORKER_LOST, the visibility
    # timeout). A second message of a job the sweep sent again is neither.
    again = bool(self.request.retries) or bool(
        (self.request.delivery_info or {}).get("redelivered")
    )
    services.run_job(job_id, again=again)


@shared_task(name="exports.purge_expired")
def purge_expired():
    return services.purge_expired()


@shared_task(name="exports.resend_queued")
def resend_queued():
    """Beat's sweep of background exports whose task never reached a worker (asked for
    while Redis was down): sent again, at most a few times, then marked failed."""
    return services.resend_queued()
