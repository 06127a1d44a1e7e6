from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from config.paging import CappedPaginator
from exports.models import ExportJob

PAGE_SIZE = 25


def _own_job(request, pk):
    # Someone else's export is a 404, as if it did not exist.
    return get_object_or_404(ExportJob.objects.of(request.user), pk=pk)


@login_required
def job_list(request):
    jobs = ExportJob.objects.of(request.user).order_by("-created_at", "-pk")
    page = CappedPaginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exports/job_list.html", {"page": page})


@login_required
def job_detail(request, pk):
    job = _own_job(request, pk)
    template = "exports/_progress.html" if request.htmx else "exports/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def download(request, pk):
    job = _own_job(request, pk)
    if not job.is_downloadable():
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
