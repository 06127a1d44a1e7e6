"""The organisation: townships, civil-affairs institutions, and the people who use the system."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.crypto import EncryptedPhoneField
from config.history import ClientAddressRecord
from institutions.scoping import filter_visible
from institutions.validators import (
    RAW_IDENTIFIER_MAX_LENGTH,
    normalize_credit_code,
    normalize_phone,
    validate_credit_code,
    validate_division_code,
    validate_phone,
)


class NormalizedCharField(models.CharField):
    """A typed identifier stored in one form, however it was typed: `normalize` runs on
    validation and again on every save, so no path stores a full-width or spaced variant."""

    def normalize(self, value):
        raise NotImplementedError

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalize(value) if value else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = self.normalize(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        # The browser's maxlength would cut a pasted value with a leading space or blanks
        # inside; the form takes more and the stored, normalised value is checked for length.
        return super().formfield(**{"max_length": RAW_IDENTIFIER_MAX_LENGTH, **kwargs})


class PhoneField(NormalizedCharField):
    """A mainland mobile or landline number, stored in ASCII without spaces."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 24)
        super().__init__(*args, **kwargs)

    def normalize(self, value):
        return normalize_phone(value)


class CreditCodeField(NormalizedCharField):
    """A unified social credit code (GB 32100), stored in ASCII capitals without spaces."""

    default_validators = [validate_credit_code]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def normalize(self, value):
        return normalize_credit_code(value)


# --- Townships -------------------------------------------------------------


class TownshipKind(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("Subdistrict (街道)")
    TOWN = "town", _("Town (镇)")
    TOWNSHIP = "township", _("Township (乡)")


class TownshipQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Township and institution staff see the one township they work in.
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_county_wide:
            return self
        return self.filter(pk=user.township_id) if user.township_id else self.none()

    def with_institution_totals(self):
        active = Q(institutions__is_active=True)
        # Meta.ordering does not apply to GROUP BY queries, so order explicitly.
        return self.order_by("code").annotate(
            institution_count=Count("institutions", filter=active),
            high_risk_count=Count(
                "institutions", filter=active & Q(institutions__fire_risk_level=FireRiskLevel.HIGH)
            ),
            residents_total=Coalesce(Sum("institutions__residents", filter=active), 0),
            residents_80_plus_total=Coalesce(
                Sum("institutions__residents_aged_80_plus", filter=active), 0
            ),
        )


class Township(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=TownshipKind.choices)
    code = models.CharField(
        _("division code"),
        max_length=9,
        unique=True,
        validators=[validate_division_code],
        help_text=_("9 digits: the county's GB/T 2260 code followed by the township's 3."),
    )

    objects = TownshipQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["code"]
        verbose_name = _("township")
        verbose_name_plural = _("townships")

    def __str__(self):
        return self.name


# --- Institutions ----------------------------------------------------------


class InstitutionKind(models.TextChoices):
    ELDERLY_CARE = "elderly_care", _("Elderly care institution")
    CHILD_WELFARE = "child_welfare", _("Child welfare institution")
    SOCIAL_WELFARE = "social_welfare", _("Social welfare institution")
    RESCUE_STATION = "rescue_station", _("Rescue and relief station")
    MARRIAGE_REGISTRY = "marriage_registry", _("Marriage registry")
    FUNERAL_SERVICE = "funeral_service", _("Funeral service")
    SOCIAL_WORK_STATION = "social_work_station", _("Social work station")


# Institutions where people live and sleep, so someone is on duty day and night.
RESIDENTIAL_KINDS = frozenset(
    {
        InstitutionKind.ELDERLY_CARE,
        InstitutionKind.CHILD_WELFARE,
        InstitutionKind.SOCIAL_WELFARE,
        InstitutionKind.RESCUE_STATION,
    }
)
# The notice names elderly-care and child-welfare institutions as high fire risk.
HIGH_RISK_BY_DEFAULT = frozenset({InstitutionKind.ELDERLY_CARE, InstitutionKind.CHILD_WELFARE})


class Operator(models.TextChoices):
    PUBLIC = "public", _("Public (公办)")
    PRIVATE = "private", _("Private (民办)")
    PUBLIC_BUILT_PRIVATE_RUN = (
        "public_built_private_run",
        _("Public-built, privately run (公建民营)"),
    )


class FireRiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


def default_fire_risk_level(kind):
    return FireRiskLevel.HIGH if kind in HIGH_RISK_BY_DEFAULT else FireRiskLevel.MEDIUM


class HospitalLevel(models.TextChoices):
    TERTIARY = "tertiary", _("Tertiary hospital (三级)")
    SECONDARY = "secondary", _("Secondary hospital (二级)")
    PRIMARY = "primary", _("Primary hospital or township health centre (一级)")
    OTHER = "other", _("Other")


class InstitutionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(self, user, township_path="township", institution_path="pk")

    def active(self):
        return self.filter(is_active=True)

    def in_list_order(self, user):
        """Township, then name. Within one township the index institution_list_order hands
        over the page; ordering by the (constant) township code as well would sort the
        whole township on every page."""
        if user.is_county_wide:
            return self.order_by("township__code", "name")
        return self.order_by("township_id", "name")

    def needing_attention(self):
        """Residential institutions with no designated hospital, or with sandwich panels."""
        return self.filter(
            Q(has_sandwich_panels=True) | Q(kind__in=RESIDENTIAL_KINDS, designated_hospital="")
        )


class Institution(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    operator = models.CharField(
        _("operator"), max_length=32, choices=Operator.choices, default=Operator.PUBLIC
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("township")
    )
    address = models.CharField(_("address"), max_length=200)
    credit_code = CreditCodeField(_("unified social credit code"), blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    legal_representative_phone = PhoneField(_("legal representative's phone"))
    safety_officer = models.CharField(_("safety officer"), max_length=50)
    safety_officer_phone = PhoneField(_("safety officer's phone"))
    beds = models.PositiveIntegerField(_("beds"), default=0)
    residents = models.PositiveIntegerField(_("residents"), default=0)
    residents_aged_80_plus = models.PositiveIntegerField(_("residents aged 80 or over"), default=0)
    fire_risk_level = models.CharField(
        _("fire risk level"),
        max_length=8,
        choices=FireRiskLevel.choices,
        blank=True,
        help_text=_("Left empty, elderly-care and child-welfare institutions count as high risk."),
    )
    designated_hospital = models.CharField(
        _("designated treatment hospital"),
        max_length=100,
        blank=True,
        help_text=_("The hospital named for this institution under 'one policy per institution'."),
    )
    designated_hospital_level = models.CharField(
        _("hospital level"), max_length=16, choices=HospitalLevel.choices, blank=True
    )
    designated_hospital_phone = PhoneField(_("hospital phone"), blank=True)
    has_sandwich_panels = models.BooleanField(
        _("has sandwich colour-steel panels"),
        default=False,
        help_text=_("Colour-steel panels with a combustible core anywhere people live or work."),
    )
    building_notes = models.TextField(_("building notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InstitutionQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["township__code", "name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="institution_credit_code_unique",
                violation_error_message=_(
                    "Another institution is already registered with this credit code."
                ),
            ),
            models.CheckConstraint(
                condition=Q(residents_aged_80_plus__lte=F("residents")),
                name="institution_80_plus_within_residents",
                violation_error_message=_(
                    "Residents aged 80 or over cannot outnumber all residents."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["township", "kind"]),
            models.Index(fields=["township", "name"], name="institution_list_order"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.fire_risk_level:
            self.fire_risk_level = default_fire_risk_level(self.kind)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("institutions:detail", args=[self.pk])

    @property
    def is_residential(self):
        return self.kind in RESIDENTIAL_KINDS

    def missing_safety_facts(self):
        """What a township should chase before the festival, in the notice's terms."""
        gaps = []
        if self.is_residential and not self.designated_hospital:
            gaps.append(_("no designated treatment hospital"))
        if self.has_sandwich_panels:
            gaps.append(_("sandwich colour-steel panels present"))
        return gaps

    def clean(self):
        super().clean()
        errors = {}
        if self.residents_aged_80_plus > self.residents:
            errors["residents_aged_80_plus"] = _(
                "Residents aged 80 or over cannot outnumber all residents."
            )
        if self.designated_hospital_phone and not self.designated_hospital:
            errors["designated_hospital"] = _("Name the hospital whose phone you entered.")
        if errors:
            raise ValidationError(errors)
        if not self.fire_risk_level:
            self.fire_risk_level = default_fire_risk_level(self.kind)


# --- People ----------------------------------------------------------------


class Role(models.TextChoices):
    INSTITUTION_STAFF = "institution_staff", _("Institution staff")
    TOWNSHIP_STAFF = "township_staff", _("Township staff")
    BUREAU_OFFICER = "bureau_officer", _("Bureau officer")
    # Below the township: reports people found and records home visits in one village only.
    VILLAGE_WORKER = "village_worker", _("Village worker (村级工作人员)")
    ADMIN = "admin", _("Administrator")
    # Separation of duties (三员分立, GB/T 22239-2019 level 3): these three see no
    # institution's data; they run accounts, security policy and the audit log.
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


# The roles that work in the admin site.
ADMIN_SITE_ROLES = frozenset({Role.ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# The roles a system administrator may give an account they open (separation of duties:
# the administrator roles are the security administrator's to give).
BUSINESS_ROLES = [
    Role.VILLAGE_WORKER,
    Role.INSTITUTION_STAFF,
    Role.TOWNSHIP_STAFF,
    Role.BUREAU_OFFICER,
]


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(self, user, township_path="township", institution_path="institution")


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = EncryptedPhoneField(_("phone"), blank=True)
    role = models.CharField(
        _("role"), max_length=32, choices=Role.choices, default=Role.INSTITUTION_STAFF
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("township"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("institution"),
    )
    # A village worker's village, as the people of the township are registered with it
    # (relief.Person.village): the one village whose people they see.
    village = models.CharField(
        _("village or community"),
        max_length=50,
        blank=True,
        help_text=_("For a village worker: the village whose people they see, as registered."),
    )

    objects = UserManager()
    history = HistoricalRecords(
        bases=[ClientAddressRecord], excluded_fields=["password", "last_login"]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Separation of duties: what an account may do, and its password, are the
        # security administrator's; the rest of the account is the system administrator's.
        permissions = [
            ("change_user_role", "Can change a user's role, place and active flag"),
            ("reset_user_password", "Can reset a user's password"),
        ]
        indexes = [
            # The duty pickers' first page (duty_roster.forms.first_people_for_post): a
            # township's active staff, the county staff of each role and the superusers,
            # each read by name from an index a page at a time instead of sorting the
            # whole township.
            models.Index(
                fields=["township", "full_name", "username"],
                condition=Q(is_active=True),
                name="user_active_township_by_name",
            ),
            models.Index(
                fields=["role", "full_name", "username"],
                condition=Q(is_active=True),
                name="user_active_role_by_name",
            ),
            models.Index(
                fields=["full_name", "username"],
                condition=Q(is_active=True, is_superuser=True),
                name="user_active_superuser_by_name",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="township_staff") | Q(township__isnull=False),
                name="user_township_staff_has_township",
            ),
            models.CheckConstraint(
                condition=~Q(role="institution_staff") | Q(institution__isnull=False),
                name="user_institution_staff_has_institution",
            ),
            models.CheckConstraint(
                condition=~Q(role="village_worker") | (Q(township__isnull=False) & ~Q(village="")),
                name="user_village_worker_has_village",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def is_county_wide(self):
        return self.is_superuser or self.role in (Role.BUREAU_OFFICER, Role.ADMIN)

    @property
    def is_township_staff(self):
        return self.role == Role.TOWNSHIP_STAFF

    @property
    def is_institution_staff(self):
        return self.role == Role.INSTITUTION_STAFF

    @property
    def is_village_worker(self):
        return self.role == Role.VILLAGE_WORKER and not self.is_superuser

    @property
    def is_security_role(self):
        """The system, security and audit administrators (三员): no business menus."""
        return not self.is_superuser and self.role in (
            Role.SYSTEM_ADMIN,
            Role.SECURITY_ADMIN,
            Role.AUDIT_ADMIN,
        )

    @property
    def can_register_institutions(self):
        """Adding an institution, or changing its township, kind or status."""
        return self.is_active and (self.is_county_wide or self.is_township_staff)

    def clean(self):
        super().clean()
        if self.role == Role.INSTITUTION_STAFF and not self.institution_id:
            raise ValidationError(
                {"institution": _("Institution staff must belong to an institution.")}
            )
        if self.role == Role.TOWNSHIP_STAFF and not self.township_id:
            raise ValidationError({"township": _("Township staff must belong to a township.")})
        if self.role == Role.VILLAGE_WORKER:
            self.village = (self.village or "").strip()
            errors = {}
            if not self.township_id:
                errors["township"] = _("A village worker must belong to a township.")
            if not self.village:
                errors["village"] = _("Give the village, as its people are registered.")
            if errors:
                raise ValidationError(errors)
        self._align_scope_with_role()

    def save(self, *args, **kwargs):
        self._align_scope_with_role()
        super().save(*args, **kwargs)

    def _align_scope_with_role(self):
        # An institution's staff belong to its township; county-wide roles and the three
        # administrators (who see no institution's data) to none.
        if self.role == Role.INSTITUTION_STAFF and self.institution_id:
            self.township_id = self.institution.township_id
        elif self.role in (Role.TOWNSHIP_STAFF, Role.VILLAGE_WORKER):
            self.institution = None
        elif self.role in (Role.BUREAU_OFFICER, *ADMIN_SITE_ROLES):
            self.institution = None
            self.township = None
        if self.role != Role.VILLAGE_WORKER:
            self.village = ""
        # The admin site is for the roles that work there, never granted by hand; what
        # each may do there is its group's (accounts.roles).
        self.is_staff = self.is_superuser or self.role in ADMIN_SITE_ROLES
