"""The words of the plan-review reminder (notifications/rules/preparedness.py), kept here so
that this app's catalogue translates them."""

from django.utils.translation import gettext_lazy as _

RULE_NAME = _("Emergency plan past its review date")
RULE_DESCRIPTION = _("Once a week while overdue: the institution's staff and the township.")
TITLE = _("%(institution)s: the %(plan)s was due for review on %(date)s")
