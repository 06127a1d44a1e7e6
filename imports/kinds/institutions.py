"""Institutions, recognised by their unified social credit code."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.debug import sensitive_variables
from simple_history.utils import bulk_create_with_history

from config.counts import invalidate
from imports.forms import InstitutionImportForm
from imports.kinds.base import (
    BATCH_SIZE,
    Checked,
    Column,
    ImportKind,
    RowError,
    townships_for,
)
from institutions.models import (
    FireRiskLevel,
    HospitalLevel,
    Institution,
    InstitutionKind,
    Operator,
)


class InstitutionImport(ImportKind):
    slug = "institutions"
    title = gettext_lazy("Institutions")
    description = gettext_lazy("One row per institution, recognised by its credit code.")
    columns = [
        Column("name", pgettext_lazy("import column", "Institution name"), "羊册镇中心敬老院"),
        Column("kind", pgettext_lazy("import column", "Kind"), "养老机构", choices=InstitutionKind),
        Column("operator", pgettext_lazy("import column", "Operator"), "公办", choices=Operator),
        Column(
            "township", pgettext_lazy("import column", "Township (name or division code)"), "羊册镇"
        ),
        Column(
            "credit_code",
            pgettext_lazy("import column", "Unified social credit code"),
            "12411726MB00000016",
        ),
        Column(
            "fire_risk_level",
            pgettext_lazy("import column", "Fire risk level"),
            "高",
            choices=FireRiskLevel,
        ),
        Column("address", pgettext_lazy("import column", "Address"), "羊册镇政府街 1 号"),
        Column(
            "legal_representative", pgettext_lazy("import column", "Legal representative"), "张建国"
        ),
        Column(
            "legal_representative_phone",
            pgettext_lazy("import column", "Legal representative's phone"),
            "13803960001",
        ),
        Column("safety_officer", pgettext_lazy("import column", "Safety officer"), "李明"),
        Column(
            "safety_officer_phone",
            pgettext_lazy("import column", "Safety officer's phone"),
            "0396-7921234",
        ),
        Column("beds", pgettext_lazy("import column", "Beds"), 120),
        Column("residents", pgettext_lazy("import column", "Residents"), 86),
        Column(
            "residents_aged_80_plus",
            pgettext_lazy("import column", "Residents aged 80 or over"),
            31,
        ),
        Column(
            "designated_hospital",
            pgettext_lazy("import column", "Designated hospital"),
            "泌阳县人民医院",
        ),
        Column(
            "designated_hospital_level",
            pgettext_lazy("import column", "Hospital level"),
            "二级医院",
            choices=HospitalLevel,
        ),
        Column(
            "designated_hospital_phone",
            pgettext_lazy("import column", "Hospital phone"),
            "0396-7922120",
        ),
        Column(
            "has_sandwich_panels",
            pgettext_lazy("import column", "Sandwich colour-steel panels (yes/no)"),
            "否",
            boolean=True,
        ),
        Column("building_notes", pgettext_lazy("import column", "Building notes"), ""),
    ]

    def may_import(self, user):
        return user.can_register_institutions

    @sensitive_variables()
    def check(self, user, rows, progress=None):
        checked = Checked()
        townships = townships_for(user)
        forms = []
        for done, (number, values) in enumerate(rows, start=1):
            if progress:
                progress(done)
            checked.rows[number] = values
            data = self.form_data(values)
            data["is_active"] = "on"
            form = InstitutionImportForm(data, user=user, townships=townships)
            if form.is_valid():
                forms.append((number, form))
            else:
                self._add_form_errors(checked, number, form)
        codes = {form.cleaned_data["credit_code"] for _n, form in forms}
        names = {form.cleaned_data["name"] for _n, form in forms}
        by_code = dict(
            Institution.objects.filter(credit_code__in=codes)
            .order_by()
            .values_list("credit_code", "township_id")
        )
        names_taken = dict(
            Institution.objects.filter(name__in=names).order_by().values_list("name", "credit_code")
        )
        visible = {township.pk for township in townships.values()}
        seen_codes, seen_names = {}, {}
        code_label, name_label = self.label_of("credit_code"), self.label_of("name")
        for number, form in forms:
            code, name = form.cleaned_data["credit_code"], form.cleaned_data["name"]
            problems = []
            if code in seen_codes:
                problems.append(
                    (code_label, _("Repeats row %(row)d of this file.") % {"row": seen_codes[code]})
                )
            if name in seen_names:
                problems.append(
                    (name_label, _("Repeats row %(row)d of this file.") % {"row": seen_names[name]})
                )
            seen_codes.setdefault(code, number)
            seen_names.setdefault(name, number)
            if code in by_code and not problems:
                if by_code[code] in visible:
                    checked.existing.append(number)
                else:
                    checked.errors.append(
                        RowError(
                            number,
                            code_label,
                            _("Another institution is already registered with this credit code."),
                        )
                    )
                continue
            if name in names_taken and names_taken[name] != code:
                problems.append(
                    (name_label, _("Another institution is already registered with this name."))
                )
            for label, message in problems:
                checked.errors.append(RowError(number, label, message))
            if not problems:
                checked.valid.append((number, form.instance))
        return checked

    def save(self, user, checked):
        institutions = [instance for _number, instance in checked.valid]
        bulk_create_with_history(
            institutions, Institution, batch_size=BATCH_SIZE, default_user=user
        )
        invalidate("institutions")
        return len(institutions)
