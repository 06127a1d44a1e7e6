"""Duty posts and the holiday calendar."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.history import ClientAddressRecord
from duty_roster.models.base import BOUNDED
from duty_roster.validators import FIRST_DAY, LAST_DAY
from institutions.models import Institution, PhoneField, Role, Township
from institutions.scoping import scope_q


class PostKind(models.TextChoices):
    COUNTY_DUTY_ROOM = "county", _("County bureau duty room")
    TOWNSHIP_CENTRE = "township", _("Township centre")
    INSTITUTION = "institution", _("24-hour institution")
    HOLIDAY = "holiday", _("Holiday post (marriage registry, funeral service)")


def visible_posts_q(user, prefix=""):
    """The posts `user` sees, as a filter; `prefix` reaches the post from another model
    ("post__" from a shift). The county duty room is everyone's to see: it is where
    incidents go. A county-wide user's filter is empty, not "every post id": the whole
    table in an IN list made every duty query read every shift."""
    scope = scope_q(
        user, township_path=f"{prefix}township", institution_path=f"{prefix}institution"
    )
    if not (user.is_authenticated and user.is_active):
        return scope
    if scope is None:
        return Q()
    return scope | Q(**{f"{prefix}kind": PostKind.COUNTY_DUTY_ROOM})


class DutyPostQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visible_posts_q(user))

    def at_a_glance_for(self, user):
        """The posts the duty page shows one by one: the county duty room and the township
        centres (a few dozen in a county), and an institution's staff their own posts.
        The county's thousands of institution posts are counted per township instead."""
        return self.filter(at_a_glance_q(user))


def at_a_glance_q(user, prefix=""):
    """at_a_glance_for as a filter; `prefix` reaches the post from another model."""
    mine = Q(**{f"{prefix}kind__in": [PostKind.COUNTY_DUTY_ROOM, PostKind.TOWNSHIP_CENTRE]})
    if getattr(user, "institution_id", None):
        mine |= Q(**{f"{prefix}institution_id": user.institution_id})
    return mine


class DutyPost(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PostKind.choices)
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_posts",
        verbose_name=_("township"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_posts",
        verbose_name=_("institution"),
    )
    phone = PhoneField(_("duty phone"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = DutyPostQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["kind", "name"]
        indexes = [
            # The post directory's order (views.post_list): a page of it is read from
            # the index, however many posts the county has; and kind = 'county' for an
            # institution's staff, who see the county duty room and their own posts.
            models.Index(
                fields=["kind", "name", "id"],
                condition=Q(is_active=True),
                name="dutypost_active_list_order",
            ),
            # Shifts under way in post order (views.on_duty), inactive posts included: a
            # post closed today may still have people on duty until their shift ends.
            models.Index(fields=["kind", "name", "id"], name="dutypost_order"),
        ]
        verbose_name = _("duty post")
        verbose_name_plural = _("duty posts")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.institution_id:
            self.township_id = self.institution.township_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("duty_roster:roster", args=[self.pk])

    def staff_q(self):
        """Who may be on this post's shifts, as a filter on users: county staff anywhere;
        at a township or institution post, also the township's own staff and its
        institutions' staff. Pickers offer these; validate_shift refuses anyone else."""
        parts = self.staff_parts()
        condition = parts[0]
        for part in parts[1:]:
            condition |= part
        return condition

    def staff_parts(self):
        """staff_q as the filters it ORs, each of which an index of users reads in name
        order (see User.Meta.indexes): the pickers' first page is read part by part."""
        parts = [Q(role=Role.BUREAU_OFFICER), Q(role=Role.ADMIN), Q(is_superuser=True)]
        return parts if self.township_id is None else [*parts, Q(township_id=self.township_id)]

    def may_be_staffed_by(self, person):
        """staff_q for one person in memory (no query)."""
        return person.is_county_wide or (
            self.township_id is not None and person.township_id == self.township_id
        )


class Holiday(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Adjusted working day")

    date = models.DateField(_("date"), unique=True, **BOUNDED)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")
        constraints = [
            models.CheckConstraint(
                condition=Q(date__gte=FIRST_DAY, date__lte=LAST_DAY),
                name="holiday_within_service_years",
            )
        ]

    def __str__(self):
        return f"{self.date} {self.name}"
