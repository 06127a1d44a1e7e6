"""What the system tells people: notifications, their deliveries, the rules and robots.

A Notification is one message for one recipient (a user, whose inbox it is in, or a
group-chat robot). Its `key` names the rule, the object, the step, the recipient and
the day, and is unique: however often a scan runs, on however many workers, the same
key lands once. Each way out of the system (e-mail, SMS, a robot) is a Delivery row
with a state and an attempt count, sent by a worker with retries; nothing is dropped
silently and nothing marked sent is sent again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


# The channels a person may choose besides the inbox, which everyone always has.
PERSONAL_CHANNELS = [Channel.EMAIL, Channel.SMS]


class Rule(models.Model):
    """One row of the rules table: an admin switches a rule off or changes its timing."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    is_urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_(
            "Urgent messages go out at once to the chosen channels and the group robots; "
            "others wait for the morning digest outside the inbox."
        ),
    )
    lead_days = models.PositiveIntegerField(
        _("days ahead"), null=True, blank=True, help_text=_("Remind this many days before.")
    )
    after_minutes = models.PositiveIntegerField(
        _("after (minutes)"), null=True, blank=True, help_text=_("Wait this long first.")
    )
    repeat_minutes = models.PositiveIntegerField(
        _("repeat every (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty: once. Escalations step up the chain at this pace."),
    )
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("top of the chain"),
        help_text=_(
            "Who an escalation reaches last and keeps reaching until someone acts "
            "(e.g. the bureau director). Empty: every bureau officer."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("notification rule")
        verbose_name_plural = _("notification rules")

    def __str__(self):
        return self.name


class WebhookKind(models.TextChoices):
    WECOM = Channel.WECOM.value, Channel.WECOM.label
    DINGTALK = Channel.DINGTALK.value, Channel.DINGTALK.label


class Webhook(models.Model):
    """A group-chat robot: one per township, and one for the bureau (no township)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=WebhookKind.choices)
    url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk's signed-request secret (SEC…), if the robot uses one."),
    )
    township = models.ForeignKey(
        "institutions.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="webhooks",
        verbose_name=_("township"),
        help_text=_("Empty: the bureau's robot."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["township__code", "name"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self):
        return self.name


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    # Unique through Meta.constraints, not `unique=True`, which would add a second
    # (pattern-matching) index on the key that nothing reads and every insert pays for.
    key = models.CharField(_("key"), max_length=200)
    rule = models.CharField(_("rule"), max_length=60)
    # What the message is about (a hazard's, shift's or incident's id) and which step
    # (a day, an escalation step): rules skip in SQL what has been said already.
    subject_id = models.BigIntegerField(_("subject"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=20, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,  # notification_inbox starts with it
    )
    webhook = models.ForeignKey(
        Webhook,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("group robot"),
        db_index=False,  # notification_robot covers the robots' rows only
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["key"], name="notification_once"),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False, webhook__isnull=True)
                | Q(recipient__isnull=True, webhook__isnull=False),
                name="notification_for_a_person_or_a_robot",
            ),
        ]
        indexes = [
            # The badge's count and the "unread" list; read rows leave it.
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_list",
            ),
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["rule", "subject_id", "step"], name="notification_said"),
            models.Index(
                fields=["webhook"], condition=Q(webhook__isnull=False), name="notification_robot"
            ),
        ]

    def __str__(self):
        return self.title


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="delivery_due",
            ),
            models.Index(fields=["state", "-id"], name="delivery_by_state"),
        ]

    def __str__(self):
        return f"{self.notification} → {self.get_channel_display()}"


class Preference(models.Model):
    """Which channels besides the inbox a person wants for one rule."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    rule = models.CharField(_("rule"), max_length=60)
    channels = models.JSONField(_("channels"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "rule"], name="preference_once_per_rule")
        ]

    def __str__(self):
        return f"{self.user} {self.rule}"
