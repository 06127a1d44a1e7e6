"""People in difficulty, the programmes that help them, and the money and visits they get."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from config.crypto import DigestField, EncryptedCharField, EncryptedPhoneField, keyed_digest
from config.history import ClientAddressRecord
from institutions.models import NormalizedCharField, Township
from institutions.scoping import filter_visible, scope_q
from relief.validators import (
    birth_date_of,
    mask_id_number,
    normalize_id_number,
    parse_period,
    sex_of,
    validate_id_number,
    validate_relief_date,
)

# "name" alone is 名称 (of an institution, a programme); a person's name is 姓名.
PERSON_NAME = pgettext_lazy("person", "name")


class IdNumberField(NormalizedCharField):
    """A resident ID number, stored as 18 ASCII characters whatever the input method typed."""

    default_validators = [validate_id_number]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def normalize(self, value):
        return normalize_id_number(value)


class EncryptedIdNumberField(EncryptedCharField):
    """A resident ID number, normalised as IdNumberField and stored encrypted; found and kept
    unique through the keyed digest beside it (`Person.id_number_digest`)."""

    default_validators = [validate_id_number]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def normalize(self, value):
        return normalize_id_number(value)


def id_number_digest(value):
    """The keyed digest a person's ID number is looked up by, whatever way it was typed."""
    return keyed_digest(normalize_id_number(value))


def validate_period(value):
    parse_period(value)


class Category(models.TextChoices):
    DIBAO = "dibao", _("Minimum living allowance (低保)")
    TEKUN = "tekun", _("Extreme poverty support (特困)")
    LOW_INCOME = "low_income", _("Low income (低收入)")
    ORPHAN = "orphan", _("Orphan (孤儿)")
    UNSUPPORTED_CHILD = "unsupported_child", _("De-facto unsupported child (事实无人抚养儿童)")
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child (留守儿童)")
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone (孤寡/独居老人)")
    DISABLED = "disabled", _("Person with disability (残疾人)")
    # A ground for single-person coverage (单人保, 民发〔2021〕57号 §8), like a severe disability.
    SERIOUSLY_ILL = "seriously_ill", _("Person with a serious illness (重病患者)")
    HOMELESS = "homeless", _("Homeless person (流浪乞讨人员)")
    UNEMPLOYED = "unemployed", _("Unemployed (失业人员)")


# The categories that let a member of a 低保边缘 household be covered alone (单人保).
SINGLE_PERSON_GROUNDS = [Category.DISABLED, Category.SERIOUSLY_ILL]


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class DuplicateStatus(models.TextChoices):
    NONE = "", _("No likely duplicate")
    FLAGGED = "flagged", _("Likely duplicate: to decide")
    DISTINCT = "distinct", _("Checked: a different person")


class Household(models.Model):
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="households", verbose_name=_("township")
    )
    village = models.CharField(_("village or community"), max_length=50)
    address = models.CharField(_("address"), max_length=200)
    monthly_income = models.DecimalField(
        _("household monthly income (yuan)"), max_digits=10, decimal_places=2, default=0
    )

    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return f"{self.village} {self.address}"


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(
            self, user, township_path="township", institution_path=None, village_path="village"
        )

    def with_id_number(self, value):
        """The person holding this ID number: an exact match through the keyed digest (the
        number itself is encrypted, so neither its start nor its end can be searched)."""
        return self.filter(id_number_digest=id_number_digest(value))

    def with_id_numbers(self, values):
        return self.filter(id_number_digest__in=[id_number_digest(value) for value in values])

    def in_list_order(self, user=None):
        """Township, village, name, for the county as for one township: the index
        person_list_order hands over the page itself, so a page costs the same however many
        people the county holds. Townships go by id, not by their code through a join (which
        no index serves: PostgreSQL sorted the whole county for every page); townships are
        created in code order (institutions.demo.seed_townships), so the two agree."""
        return self.order_by("township_id", "village", "name", "pk")

    def overdue_for_visit(self, today=None):
        """People in a category that needs visits, not visited within its interval.

        One EXISTS per person (a semi-join on the category's person index), not a join
        made DISTINCT again: the count and the page cost what the people cost, never a
        DISTINCT over every column of every row.
        """
        today = today or timezone.localdate()
        rules = dict(VisitRule.objects.values_list("category", "every_days"))
        if not rules:
            return self.none()
        # The last visit must fall after the threshold of at least one current category.
        threshold = Case(
            *(
                When(category=category, then=Value(today - datetime.timedelta(days=days)))
                for category, days in rules.items()
            ),
            output_field=models.DateField(),
        )
        due = (
            PersonCategory.objects.current(today)
            .filter(person=OuterRef("pk"), category__in=rules)
            .annotate(visit_due_after=threshold)
            .filter(visit_due_after__gt=Coalesce(OuterRef("last_visited_on"), NEVER_VISITED))
        )
        return self.filter(Exists(due))

    def in_category(self, category, today=None):
        """People who hold `category` (now, when `today` is given), without a join to
        make DISTINCT again."""
        held = PersonCategory.objects.filter(person=OuterRef("pk"), category=category)
        if today is not None:
            held = held.current(today)
        return self.filter(Exists(held))


# Before any date a visit can carry (relief dates start in 2000).
NEVER_VISITED = Value(datetime.date(1900, 1, 1))


class Person(models.Model):
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="people", verbose_name=_("township")
    )
    village = models.CharField(_("village or community"), max_length=50)
    address = models.CharField(_("address"), max_length=200, blank=True)
    name = models.CharField(PERSON_NAME, max_length=50)
    # Encrypted at rest (config/crypto.py); unique and looked up through the keyed digest.
    id_number = EncryptedIdNumberField(_("ID number"))
    id_number_digest = DigestField(source="id_number", unique=True)
    birth_date = models.DateField(_("birth date"), editable=False)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, editable=False)
    phone = EncryptedPhoneField(_("phone"), blank=True)
    monthly_income = models.DecimalField(
        _("own monthly income (yuan)"), max_digits=10, decimal_places=2, default=0
    )
    duplicate_status = models.CharField(
        _("duplicate check"), max_length=10, choices=DuplicateStatus.choices, blank=True, default=""
    )
    last_visited_on = models.DateField(_("last visited on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(
        bases=[ClientAddressRecord], excluded_fields=["id_number", "id_number_digest"]
    )

    class Meta:
        ordering = ["township", "village", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["township", "name", "birth_date"]),
            # The people list's page, in its order, within a township.
            models.Index(fields=["township", "village", "name", "id"], name="person_list_order"),
            # Searches by the start of a name, whatever the collation (an ID number is
            # found by its digest's unique index).
            models.Index(
                fields=["name"], name="person_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0), name="person_income_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.masked_id}）"

    def save(self, *args, **kwargs):
        self.id_number = normalize_id_number(self.id_number)
        self.birth_date = birth_date_of(self.id_number)
        self.sex = sex_of(self.id_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "id_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "id_number_digest"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("relief:person", args=[self.pk])

    def validate_unique(self, exclude=None):
        # The number is unique through its digest, a field no form shows: checked here so
        # that the admin's form answers beside the number instead of a database error.
        super().validate_unique(exclude=exclude)
        if "id_number" in (exclude or ()) or not self.id_number:
            return
        if Person.objects.with_id_number(self.id_number).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"id_number": _("A person with this ID number is already registered.")},
                code="unique",
            )

    @property
    def masked_id(self):
        return mask_id_number(self.id_number)

    def likely_duplicates(self):
        return Person.objects.filter(
            township_id=self.township_id,
            name=self.name,
            birth_date=birth_date_of(normalize_id_number(self.id_number)),
        ).exclude(pk=self.pk)


class PersonCategoryQuerySet(models.QuerySet):
    def current(self, today):
        return self.filter(
            Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
        )


class PersonCategory(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="categories", verbose_name=_("person")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    start_date = models.DateField(_("from"), validators=[validate_relief_date])
    end_date = models.DateField(
        _("until"), null=True, blank=True, validators=[validate_relief_date]
    )
    raised_in_institution = models.BooleanField(
        _("raised in an institution"),
        default=False,
        help_text=_("For orphans: raised in a welfare institution rather than in the community."),
    )

    objects = PersonCategoryQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["category", "start_date"]
        verbose_name = _("category of a person")
        verbose_name_plural = _("categories of people")
        indexes = [
            # "Does this person hold a (current) category?" answered from the index alone:
            # overdue_for_visit() and the people list's category filter probe it per person.
            models.Index(
                fields=["person", "category", "start_date", "end_date"],
                name="personcategory_held",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="category_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self):
        return self.get_category_display()


class VisitRule(models.Model):
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, unique=True)
    every_days = models.PositiveIntegerField(
        _("visit at least every (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )

    class Meta:
        verbose_name = _("visit rule")
        verbose_name_plural = _("visit rules")

    def __str__(self):
        return f"{self.get_category_display()}: {self.every_days}"


class ProgrammeKind(models.TextChoices):
    ONE_OFF = "one_off", _("One-off on application (临时救助)")
    PERIODIC = "periodic", _("Monthly by category")
    CAMPAIGN = "campaign", _("Campaign (e.g. warm winter)")


class BenefitForm(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ProgrammeKind.choices)
    eligible_categories = models.JSONField(_("eligible categories"), default=list, blank=True)
    amount = models.DecimalField(
        _("amount per person per period (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    amount_in_institution = models.DecimalField(
        _("amount for children raised in an institution (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    ceiling = models.DecimalField(
        _("ceiling per application (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    help_first = models.BooleanField(
        _("emergency: help first, review after (先行救助)"), default=False
    )
    benefit_form = models.CharField(
        _("form"), max_length=8, choices=BenefitForm.choices, default=BenefitForm.CASH
    )
    in_kind_items = models.CharField(_("items given"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"), validators=[validate_relief_date])
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, validators=[validate_relief_date]
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(bases=[ClientAddressRecord])
    # The labels its history shows for the codes in eligible_categories (config.history).
    HISTORY_VALUE_LABELS = {"eligible_categories": Category.choices}

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) | Q(amount__isnull=True),
                name="programme_amount_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def amount_for(self, category):
        if category.raised_in_institution and self.amount_in_institution is not None:
            return self.amount_in_institution
        return self.amount


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for township review")
    REVIEWED = "reviewed", _("Waiting for bureau approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for more information")


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        # The application's own township (the person's, kept in step on filing and transfer):
        # a clerk's page reads its township's slice of an index, not every application in
        # the county joined to its person.
        return filter_visible(self, user, township_path="township", institution_path=None)

    def in_public_notice(self, today=None):
        """Approved and still posted (公示): not to be paid yet."""
        today = today or timezone.localdate()
        return self.filter(status=ApplicationStatus.APPROVED, notice_ends_on__gte=today)

    def on_hold(self, today=None):
        """Approved but not to be paid: still in 公示, or with an objection not yet resolved."""
        today = today or timezone.localdate()
        open_objection = NoticeObjection.objects.filter(
            application=OuterRef("pk"), status=ObjectionStatus.OPEN
        )
        return self.filter(status=ApplicationStatus.APPROVED).filter(
            Q(notice_ends_on__gte=today) | Exists(open_objection)
        )

    def waiting_for(self, user):
        """What the user may decide next: the township reviews what a colleague filed, the
        bureau approves what the township reviewed."""
        if user.is_county_wide:
            return self.visible_to(user).filter(status=ApplicationStatus.REVIEWED)
        return (
            self.visible_to(user)
            .filter(status=ApplicationStatus.SUBMITTED)
            .exclude(filed_by_id=user.pk)
        )


class Application(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="applications", verbose_name=_("person")
    )
    # The person's township, copied when the application is filed and moved with the person
    # on an approved transfer (relief.services): what a township's clerks see and review.
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        related_name="relief_applications",
        verbose_name=_("township"),
        editable=False,
        db_index=False,  # the indexes below lead with it
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("programme"),
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    reason = models.TextField(_("reason"))
    is_emergency = models.BooleanField(_("emergency (help first)"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The 低保 income test at filing (relief.eligibility), with the options chosen.
    single_person_coverage = models.BooleanField(
        _("single-person coverage (单人保)"), default=False
    )
    employment_cost_deduction = models.BooleanField(
        _("employment cost deduction (就业成本扣减)"), default=False
    )
    earned_income = models.DecimalField(
        _("monthly income from work (yuan)"), max_digits=10, decimal_places=2, default=0
    )
    income_per_head = models.DecimalField(
        _("income counted per head (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    within_dibao_standard = models.BooleanField(
        _("below the 低保 standard"), null=True, blank=True, editable=False
    )
    # 公示: an approved application is posted for settings.RELIEF_PUBLIC_NOTICE_DAYS days (the
    # first and last day here) before it is paid; an objection meanwhile holds the payment.
    notice_starts_on = models.DateField(_("public notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice until"), null=True, blank=True)
    # The filing form's one-time token: the same form sent twice (back, then submit again)
    # finds the application it already made instead of filing a second one.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        # The newest page of applications, of one status or of all, read from an index.
        indexes = [
            models.Index(fields=["filed_at"], name="application_filed"),
            models.Index(fields=["status", "filed_at"], name="application_status_filed"),
            # The same within one township: a clerk's list (of all statuses or one) and the
            # applications waiting for the clerk's review.
            models.Index(fields=["township", "filed_at"], name="application_township_filed"),
            models.Index(
                fields=["township", "status", "filed_at"], name="application_township_status"
            ),
            # The 公示 list: the applications posted now, a township's or the county's.
            models.Index(
                fields=["township", "notice_ends_on"],
                condition=Q(notice_ends_on__isnull=False),
                name="application_notice",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="application_amount_positive"),
            models.CheckConstraint(
                condition=~Q(decided_by=F("reviewed_by")), name="application_two_people"
            ),
            # Filing, township review and bureau decision are three people's work.
            models.CheckConstraint(
                condition=~Q(reviewed_by=F("filed_by")), name="application_filer_does_not_review"
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=F("filed_by")), name="application_filer_does_not_decide"
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.programme}"

    def save(self, *args, **kwargs):
        # Filed in the person's township (relief.services passes it; this covers the admin
        # and code that creates an application directly).
        if self.township_id is None and self.person_id is not None:
            self.township_id = self.person.township_id
        super().save(*args, **kwargs)


def public_notice_days():
    """How many days an approved application is posted (公示) before it is paid. No figure in
    ../shared/CHECKLISTS.md: a setting, 7 days unless set."""
    return int(getattr(settings, "RELIEF_PUBLIC_NOTICE_DAYS", 7))


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Open: payment held")
    UPHELD = "upheld", _("Upheld: application refused")
    DISMISSED = "dismissed", _("Dismissed: application proceeds")


class NoticeObjectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(
            self, user, township_path="application__township", institution_path=None
        )

    def open(self):
        return self.filter(status=ObjectionStatus.OPEN)


class NoticeObjection(models.Model):
    """An objection (异议) to an application raised during its 公示, recorded by township or
    county staff: while open, the application is not paid."""

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("application"),
    )
    objector = models.CharField(
        _("raised by"), max_length=100, help_text=_("Who raised it, e.g. a villager's name.")
    )
    content = models.TextField(_("objection"))
    raised_on = models.DateField(_("raised on"), validators=[validate_relief_date])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    objects = NoticeObjectionQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("objection in public notice")
        verbose_name_plural = _("objections in public notice")
        indexes = [
            models.Index(fields=["application", "status"], name="objection_application"),
            models.Index(
                fields=["recorded_at"],
                condition=Q(status="open"),
                name="objection_open",
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.objector}"


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("Bank transfer")
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class DisbursementBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The bureau sees every batch; a township the batches that pay someone of it (its
        part of the roster is what it hands out and has signed); anyone else none."""
        condition = scope_q(user, township_path="person__township", institution_path=None)
        if condition is None:
            return self
        paid_here = BatchLine.objects.paid().filter(condition, batch=OuterRef("pk"))
        return self.filter(Exists(paid_here))


class DisbursementBatch(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="batches", verbose_name=_("programme")
    )
    period = models.CharField(
        _("period"),
        max_length=7,
        help_text=_("Year and month, e.g. 2027-01."),
        validators=[validate_period],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT
    )
    total = models.DecimalField(_("total (yuan)"), max_digits=14, decimal_places=2, default=0)
    count = models.PositiveIntegerField(_("people"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    method = models.CharField(_("paid by"), max_length=8, choices=PaymentMethod.choices, blank=True)

    objects = DisbursementBatchQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-period", "programme"]
        verbose_name = _("disbursement batch")
        verbose_name_plural = _("disbursement batches")
        indexes = [models.Index(fields=["period", "id"], name="batch_period")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(approved_by=F("created_by")), name="batch_approved_by_another"
            )
        ]

    def __str__(self):
        return f"{self.programme} {self.period}"

    def get_absolute_url(self):
        return reverse("relief:batch", args=[self.pk])

    @property
    def is_frozen(self):
        return self.status != BatchStatus.DRAFT


class BatchLineQuerySet(models.QuerySet):
    def paid(self):
        """The lines of the roster: everyone not left out."""
        return self.filter(excluded=False)

    def visible_to(self, user):
        # A line belongs to its person's township today (a moved person is paid and signs
        # where they live now), as the printed roster's townships.
        return filter_visible(self, user, township_path="person__township", institution_path=None)

    def in_roster_order(self):
        return self.order_by("village", "person_name", "pk")


class BatchLine(models.Model):
    batch = models.ForeignKey(DisbursementBatch, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="batch_lines")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    excluded = models.BooleanField(_("excluded"), default=False)
    exclusion_reason = models.CharField(_("reason for exclusion"), max_length=200, blank=True)
    # Frozen copies: an approved roster keeps the names and villages it was approved with.
    person_name = models.CharField(PERSON_NAME, max_length=50)
    village = models.CharField(_("village or community"), max_length=50)

    objects = BatchLineQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["village", "person_name"]
        verbose_name = _("batch line")
        verbose_name_plural = _("batch lines")
        constraints = [
            models.UniqueConstraint(fields=["batch", "person"], name="batch_line_once_per_person")
        ]
        # A page of a roster in its order, whatever the batch's size.
        indexes = [
            models.Index(fields=["batch", "village", "person_name", "id"], name="batchline_roster")
        ]

    def __str__(self):
        return f"{self.person_name} {self.amount}"


class Payment(models.Model):
    """Money or goods a person received. Unique per programme and period: nobody is paid twice."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="payments", verbose_name=_("person")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="payments", verbose_name=_("programme")
    )
    period = models.CharField(_("period"), max_length=16)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    batch = models.ForeignKey(
        DisbursementBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="payment"
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-approved_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme", "period"], name="payment_once_per_programme_period"
            )
        ]

    def __str__(self):
        return f"{self.person.name} {self.programme} {self.period}"


class Need(models.TextChoices):
    SUPPLIES = "supplies", _("Supplies")
    MEDICINE = "medicine", _("Medicine")
    CARE = "care", _("Care")
    MENTAL = "mental", _("Mental support")


class HomeVisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(
            self,
            user,
            township_path="person__township",
            institution_path=None,
            village_path="person__village",
        )


class HomeVisit(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="visits", verbose_name=_("person")
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("visitor"),
    )
    visited_on = models.DateField(_("visited on"), validators=[validate_relief_date])
    findings = models.TextField(_("findings"))
    needs = models.JSONField(_("needs"), default=list, blank=True)
    follow_up = models.TextField(_("follow-up actions"), blank=True)
    follow_up_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up owner"),
    )
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)

    objects = HomeVisitQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])
    # The labels its history shows for the codes in needs (config.history).
    HISTORY_VALUE_LABELS = {"needs": Need.choices}

    class Meta:
        ordering = ["-visited_on"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        # The visits list, newest first, read along the index a page at a time.
        indexes = [models.Index(fields=["visited_on", "id"], name="homevisit_visited")]

    def __str__(self):
        return f"{self.person.name} {self.visited_on}"

    def need_labels(self):
        return [Need(n).label for n in self.needs if n in Need.values]


# --- The same person asked for by two townships -------------------------------------------


class RegistrationConflictQuerySet(models.QuerySet):
    def visible_to(self, user):
        # A township sees the attempts it made; the bureau sees them all.
        return filter_visible(self, user, township_path="township", institution_path=None)

    def open(self):
        return self.filter(resolved_at__isnull=True)


class RegistrationConflict(models.Model):
    """A township tried to register an ID number that another township already holds.

    The asking township is told only to contact the bureau: not where the person is
    registered, nor anything about them. The bureau sees who asked, when, from which
    township, the masked number and the person, and resolves it, or approves a transfer.
    """

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="registration_conflicts",
        verbose_name=_("registered person"),
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("asking township")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
        help_text=_("Empty when a data check found the conflict."),
    )
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    masked_id = models.CharField(_("ID number (masked)"), max_length=18)
    duplicate = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second record of the same number"),
        help_text=_(
            "A record whose number differs only in full-width characters or spaces, "
            "found when numbers were normalised."
        ),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    objects = RegistrationConflictQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("registration conflict")
        verbose_name_plural = _("registration conflicts")
        indexes = [
            models.Index(fields=["asked_at"], name="conflict_asked"),
            models.Index(
                fields=["asked_at"], condition=Q(resolved_at__isnull=True), name="conflict_open"
            ),
        ]

    def __str__(self):
        return f"{self.masked_id} · {self.township}"

    @property
    def is_open(self):
        return self.resolved_at is None


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the bureau")
    APPROVED = "approved", _("Approved: moved")
    REFUSED = "refused", _("Refused")


class TransferRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        # The requesting township follows its request; the bureau decides.
        return filter_visible(self, user, township_path="to_township", institution_path=None)


class TransferRequest(models.Model):
    """A person moved: their new township asks the bureau to move their record to it."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("person")
    )
    from_township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("from township")
    )
    to_township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("to township")
    )
    village = models.CharField(_("new village or community"), max_length=50)
    address = models.CharField(_("new address"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    conflict = models.OneToOneField(
        RegistrationConflict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfer",
        verbose_name=_("registration conflict"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = TransferRequestQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        # Pending requests are few (one per person at most); the decided ones, newest first,
        # are read backwards along the request time.
        indexes = [models.Index(fields=["requested_at"], name="transfer_requested")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_township=F("to_township")), name="transfer_between_townships"
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=F("requested_by")), name="transfer_decided_by_another"
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.person.masked_id} {self.from_township} → {self.to_township}"


# --- Orphans and de-facto unsupported children: 认定 -----------------------------------


class ChildKind(models.TextChoices):
    ORPHAN = Category.ORPHAN.value, Category.ORPHAN.label
    UNSUPPORTED_CHILD = Category.UNSUPPORTED_CHILD.value, Category.UNSUPPORTED_CHILD.label


class RecognitionStatus(models.TextChoices):
    FOUND = "found", _("Found: waiting for the township's check")
    CHECKED = "checked", _("Checked: waiting for the county's decision")
    APPROVED = "approved", _("Recognised")
    REFUSED = "refused", _("Not recognised")


RECOGNITION_OPEN = [RecognitionStatus.FOUND, RecognitionStatus.CHECKED]


class ChildRecognitionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(
            self,
            user,
            township_path="township",
            institution_path=None,
            village_path="person__village",
        )

    def waiting(self):
        """Found and not yet decided, longest waiting first."""
        return self.filter(status__in=RECOGNITION_OPEN).order_by("found_on", "pk")


class ChildRecognition(models.Model):
    """A child found who may be an orphan or a de-facto unsupported child (事实无人抚养儿童):
    found (by anyone: the reporter's name is kept as written), checked by the township,
    decided by the county. Recognised, the child holds the category from the first day of
    the decision month, so that month's allowance is paid in full."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("child")
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("township"),
        editable=False,
    )
    kind = models.CharField(_("recognised as"), max_length=20, choices=ChildKind.choices)
    raised_in_institution = models.BooleanField(
        _("raised in an institution"),
        default=False,
        help_text=_("Raised in a welfare institution (机构集中养育) rather than in the community."),
    )
    reporter_name = models.CharField(
        _("found by"),
        max_length=100,
        help_text=_("Who found the child: a village worker, a neighbour, a teacher..."),
    )
    found_on = models.DateField(_("found on"), validators=[validate_relief_date])
    circumstances = models.TextField(
        _("circumstances"),
        help_text=_(
            "For a de-facto unsupported child: what became of each parent (severe "
            "disability, serious illness, in custody or missing for six months or more)."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RecognitionStatus.choices,
        default=RecognitionStatus.FOUND,
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    check_note = models.TextField(_("township check"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    category = models.OneToOneField(
        PersonCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recognition",
        verbose_name=_("category granted"),
    )

    objects = ChildRecognitionQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["found_on", "pk"]
        verbose_name = _("child recognition (认定)")
        verbose_name_plural = _("child recognitions (认定)")
        indexes = [
            # The county's list of children waiting, longest first; a township's slice of it.
            models.Index(
                fields=["found_on", "id"],
                condition=Q(status__in=["found", "checked"]),
                name="recognition_waiting",
            ),
            models.Index(fields=["township", "found_on"], name="recognition_township"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["found", "checked"]),
                name="recognition_one_open_per_child",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=F("checked_by")), name="recognition_two_people"
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("relief:recognition", args=[self.pk])

    @property
    def is_open(self):
        return self.status in RECOGNITION_OPEN

    def days_waiting(self, today=None):
        end = (
            timezone.localdate(self.decided_at)
            if self.decided_at
            else (today or timezone.localdate())
        )
        return (end - self.found_on).days


# --- Price temporary subsidy (价格临时补贴) ---------------------------------------------


def price_thresholds():
    """(CPI, food CPI) year-on-year rises in percent at or above which the subsidy is paid:
    3.5 and 6 (发改价格〔2021〕1553号, ../shared/CHECKLISTS.md §4); settings may change them
    (from 2022-09 to 2023-03 the CPI trigger was 3.0)."""
    return (
        Decimal(str(getattr(settings, "RELIEF_PRICE_CPI_THRESHOLD", "3.5"))),
        Decimal(str(getattr(settings, "RELIEF_PRICE_FOOD_CPI_THRESHOLD", "6.0"))),
    )


class PriceTrigger(models.Model):
    """A month's CPI figures checked against the linkage mechanism's thresholds; triggered,
    the month's batch of the price subsidy programme is generated for its categories."""

    period = models.CharField(
        _("month"),
        max_length=7,
        unique=True,
        help_text=_("Year and month, e.g. 2027-01."),
        validators=[validate_period],
    )
    cpi_rise = models.DecimalField(
        _("CPI rise year on year (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(-50), MaxValueValidator(100)],
    )
    food_cpi_rise = models.DecimalField(
        _("food CPI rise year on year (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(-50), MaxValueValidator(100)],
    )
    cpi_threshold = models.DecimalField(
        _("CPI threshold (%)"), max_digits=5, decimal_places=2, editable=False
    )
    food_cpi_threshold = models.DecimalField(
        _("food CPI threshold (%)"), max_digits=5, decimal_places=2, editable=False
    )
    triggered = models.BooleanField(_("triggered"), editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("programme")
    )
    batch = models.OneToOneField(
        "DisbursementBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="price_trigger",
        verbose_name=_("batch"),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-period"]
        verbose_name = _("price subsidy trigger")
        verbose_name_plural = _("price subsidy triggers")

    def __str__(self):
        return f"{self.period} CPI {self.cpi_rise}% / {self.food_cpi_rise}%"


# --- Low-income population monitoring (低收入人口动态监测) ----------------------------------


class MonitoringReason(models.TextChoices):
    RELAPSE_RISK = "relapse_risk", _("Risk of (re)lapsing into poverty (返贫致贫风险)")
    DIBAO_EDGE = "dibao_edge", _("On the edge of 低保 (低保边缘)")
    RIGID_SPENDING = "rigid_spending", _("Heavy medical or education spending (刚性支出)")
    OTHER = "other", _("Other")


class MonitoringFlagQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(self, user, township_path="township", institution_path=None)

    def open(self):
        return self.filter(closed_on__isnull=True)


class MonitoringFlag(models.Model):
    """A person watched for relapse into hardship, reviewed by a date; a review either sets the
    next date or closes the flag."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="monitoring", verbose_name=_("person")
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("township"),
        editable=False,
    )
    reason = models.CharField(_("reason"), max_length=20, choices=MonitoringReason.choices)
    note = models.TextField(_("note"), blank=True)
    flagged_on = models.DateField(_("flagged on"), default=timezone.localdate)
    review_on = models.DateField(_("review by"), validators=[validate_relief_date])
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("flagged by"),
    )
    last_review_note = models.TextField(_("last review"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    objects = MonitoringFlagQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["review_on", "pk"]
        verbose_name = _("monitoring flag")
        verbose_name_plural = _("monitoring flags")
        indexes = [
            models.Index(
                fields=["township", "review_on", "id"],
                condition=Q(closed_on__isnull=True),
                name="monitoring_open",
            ),
            models.Index(
                fields=["review_on", "id"],
                condition=Q(closed_on__isnull=True),
                name="monitoring_open_county",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(closed_on__isnull=True),
                name="monitoring_one_open_per_person",
            )
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_reason_display()}"


# --- People found by a village worker (主动发现) --------------------------------------


class FoundStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the township")
    REGISTERED = "registered", _("Registered for assistance")
    REFERRED = "referred", _("Referred to another department")
    NO_NEED = "no_need", _("Checked: no assistance needed")


class FoundReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(
            self, user, township_path="township", institution_path=None, village_path="village"
        )

    def open(self):
        return self.filter(status=FoundStatus.OPEN)


class FoundReport(models.Model):
    """A person in difficulty found in a village (by the village worker, or by the township
    on a villager's word) who may not be registered yet: the township checks and answers,
    registering the person where assistance is due. No ID number here: the village worker
    reports what they saw, the township registers the person with their papers."""

    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("township"),
        editable=False,
    )
    village = models.CharField(_("village or community"), max_length=50)
    name = models.CharField(PERSON_NAME, max_length=50)
    address = models.CharField(_("address"), max_length=200, blank=True)
    found_on = models.DateField(_("found on"), validators=[validate_relief_date])
    situation = models.TextField(
        _("situation"),
        help_text=_("What you saw: living conditions, health, who looks after them."),
    )
    needs = models.JSONField(_("needs"), default=list, blank=True)
    is_urgent = models.BooleanField(
        _("needs help today"),
        default=False,
        help_text=_(
            "No food or heating, ill and alone, or in danger: the township is told at once."
        ),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=FoundStatus.choices, default=FoundStatus.OPEN
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="found_reports",
        verbose_name=_("person registered"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handling_note = models.TextField(_("township's answer"), blank=True)

    objects = FoundReportQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])
    HISTORY_VALUE_LABELS = {"needs": Need.choices}

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("person found")
        verbose_name_plural = _("people found")
        indexes = [
            # The list: a township's (or a village's) reports, open first, newest first.
            models.Index(
                fields=["township", "village", "status", "-reported_at", "-id"],
                name="foundreport_list",
            ),
            models.Index(fields=["status", "-reported_at", "-id"], name="foundreport_county"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(person__isnull=False),
                name="foundreport_registered_names_person",
            )
        ]

    def __str__(self):
        return f"{self.village} {self.name}"

    def get_absolute_url(self):
        return reverse("relief:found_report", args=[self.pk])

    @property
    def is_open(self):
        return self.status == FoundStatus.OPEN

    def need_labels(self):
        return [Need(n).label for n in self.needs if n in Need.values]
