"""The 低保 income test, written once; 单人保 and 就业成本扣减 change what it counts.

- The household's monthly income per head is compared with the 低保 standard; below 1.5 times
  the standard the household is 低保边缘 (../shared/CHECKLISTS.md §4).
- 单人保 (民发〔2021〕57号 §8): in a 低保边缘 household, a person with a grade 1–2 disability (or
  a serious illness) may be covered on their own: their own income, a household of one. Here
  the person must hold the current category 残疾人 or 重病患者.
- 就业成本扣减: a share of the income earned from work is not counted.

Neither the Henan 低保 standard nor the share disregarded was found in ../shared/: both are
settings (RELIEF_DIBAO_STANDARD, yuan a month per head; RELIEF_EMPLOYMENT_COST_DEDUCTION_RATE,
a fraction), with placeholder defaults to be replaced by the county's figures.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EDGE_FACTOR = Decimal("1.5")
CENT = Decimal("0.01")


def dibao_standard():
    return Decimal(str(getattr(settings, "RELIEF_DIBAO_STANDARD", "600")))


def employment_deduction_rate():
    return Decimal(str(getattr(settings, "RELIEF_EMPLOYMENT_COST_DEDUCTION_RATE", "0.3")))


@dataclass(frozen=True)
class Assessment:
    income: Decimal  # the monthly income counted
    members: int
    per_head: Decimal
    standard: Decimal

    @property
    def within_standard(self):
        return self.per_head < self.standard

    @property
    def on_the_edge(self):
        return self.per_head < self.standard * EDGE_FACTOR


def _money(value):
    """A model's amount as a Decimal, also when code set it as an int or a float."""
    return Decimal(str(value or 0))


def _assessment(income, members, standard):
    per_head = (income / members).quantize(CENT, rounding=ROUND_HALF_UP)
    return Assessment(income=income, members=members, per_head=per_head, standard=standard)


def assess(person, *, single_person=False, employment_deduction=False, earned_income=None):
    """The person's household against the 低保 standard, with the options applied; a
    ValidationError names the option that does not apply."""
    from relief.models import SINGLE_PERSON_GROUNDS

    standard = dibao_standard()
    household = person.household
    if household is not None:
        income = _money(household.monthly_income)
        members = household.members.count() or 1
    else:
        income, members = _money(person.monthly_income), 1
    errors = {}
    if single_person:
        whole = _assessment(income, members, standard)
        grounds = person.categories.current(timezone.localdate()).filter(
            category__in=SINGLE_PERSON_GROUNDS
        )
        if not whole.on_the_edge:
            errors["single_person_coverage"] = _(
                "Single-person coverage is for a member of a household on the edge of 低保 "
                "(income per head below 1.5 times the standard)."
            )
        elif not grounds.exists():
            errors["single_person_coverage"] = _(
                "Single-person coverage is for a person with a severe disability or a serious "
                "illness: record the category first."
            )
        else:
            income, members = _money(person.monthly_income), 1
    if employment_deduction:
        earned = _money(earned_income)
        if earned <= 0:
            errors["earned_income"] = _("Give the monthly income earned from work.")
        elif earned > income:
            errors["earned_income"] = _(
                "The income from work cannot be more than the income counted."
            )
        else:
            disregarded = (earned * employment_deduction_rate()).quantize(CENT, ROUND_HALF_UP)
            income -= disregarded
    if errors:
        raise ValidationError(errors)
    return _assessment(income, members, standard)
