from django.contrib import admin

from accountability.models import Case, CaseDocument
from config.history_admin import HistoryAdmin


class DocumentInline(admin.TabularInline):
    model = CaseDocument
    extra = 0
    fields = ["title", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # documents are checked on the case's page (accountability.documents)


@admin.register(Case)
class CaseAdmin(HistoryAdmin):
    list_display = [
        "person_name",
        "person_position",
        "ground",
        "decision",
        "decided_on",
        "township",
    ]
    list_filter = ["ground", "decision"]
    list_select_related = ["township"]
    date_hierarchy = "decided_on"
    search_fields = ["person_name"]
    raw_id_fields = ["spot_check", "hazard", "incident", "institution", "opened_by"]
    inlines = [DocumentInline]


@admin.register(CaseDocument)
class CaseDocumentAdmin(HistoryAdmin):
    list_display = ["title", "case", "uploaded_by", "uploaded_at"]
    list_select_related = ["case", "uploaded_by"]
    # The file is served by the case's page only (accountability.views.document), which
    # checks it on upload; the admin neither links to it nor takes one.
    fields = ["case", "title", "uploaded_by", "uploaded_at"]
    readonly_fields = ["case", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request):
        return False
