from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from config.counts import CachedCountPaginator, cached_figure
from config.history import Source, recent_changes
from institutions.filters import InstitutionFilter
from institutions.forms import InstitutionForm, institution_form_class_for
from institutions.models import Institution, Township

PAGE_SIZE = 25


@login_required
def institution_list(request):
    user = request.user
    visible = Institution.objects.visible_to(user).select_related("township")
    institution_filter = InstitutionFilter(request.GET or None, queryset=visible, user=user)
    query = _query_without_page(request)
    paginator = CachedCountPaginator(
        institution_filter.qs.in_list_order(user),
        PAGE_SIZE,
        topic="institutions",
        name=f"list:{query}",
        user=user,
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {"filter": institution_filter, "page": page, "query": query}
    template = "institutions/_list_results.html" if request.htmx else "institutions/list.html"
    return render(request, template, context)


@login_required
def institution_detail(request, pk):
    institution = get_object_or_404(
        Institution.objects.visible_to(request.user).select_related("township"), pk=pk
    )
    return render(
        request,
        "institutions/detail.html",
        {
            "institution": institution,
            "staff": institution.staff.filter(is_active=True),
            "history": recent_changes(request.user, Source(institution.history.all())),
        },
    )


@login_required
def institution_create(request):
    if not request.user.can_register_institutions:
        raise PermissionDenied
    form = InstitutionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        institution = form.save()
        messages.success(request, _("Institution “%(name)s” registered.") % {"name": institution})
        return redirect(institution)
    return render(request, "institutions/form.html", {"form": form})


@login_required
def institution_edit(request, pk):
    institution = get_object_or_404(Institution.objects.visible_to(request.user), pk=pk)
    form_class = institution_form_class_for(request.user)
    form = form_class(request.POST or None, instance=institution, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes to “%(name)s” saved.") % {"name": institution})
        return redirect(institution)
    return render(request, "institutions/form.html", {"form": form, "institution": institution})


@login_required
def township_list(request):
    # One aggregate over every institution of the scope: counted once a minute (the home
    # page shares the figure), or again after an institution or township changes.
    townships = cached_figure(
        "institutions",
        "townships",
        request.user,
        lambda: list(Township.objects.visible_to(request.user).with_institution_totals()),
    )
    return render(request, "institutions/township_list.html", {"townships": townships})


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
