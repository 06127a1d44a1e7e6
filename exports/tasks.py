from celery import shared_task

from exports import services


# "exports.export_*" goes to the bulk queue (CELERY_TASK_ROUTES).
@shared_task(name="exports.export_run")
def export_run(job_id):
    services.run_job(job_id)


@shared_task(name="exports.purge_expired")
def purge_expired():
    return services.purge_expired()
