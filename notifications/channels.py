"""The ways a message leaves the system: one small class per channel, each with send().

A channel raises DeliveryError when the message did not get through; `permanent`
says that trying again cannot help (no e-mail address, a robot that rejects the
request). Channels know nothing of the domains: they get a Notification and say it.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from notifications.models import Channel

logger = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    def __init__(self, message, *, permanent=False):
        super().__init__(message)
        self.permanent = permanent


def absolute_url(path):
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else settings.SITE_URL


def plain_text(notification):
    lines = [notification.title]
    if notification.body:
        lines.append(notification.body)
    if notification.url:
        lines.append(absolute_url(notification.url))
    return "\n".join(lines)


def post_json(url, payload):
    """POST JSON; the answer's JSON, or DeliveryError for a network or HTTP failure."""
    request = urllib.request.Request(  # noqa: S310 - the URL is an admin-entered http(s) webhook
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError("not an http(s) URL", permanent=True)
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(65536)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code}", permanent=400 <= error.code < 500) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise DeliveryError(f"network: {error}") from error
    try:
        return json.loads(body or b"{}")
    except ValueError as error:
        raise DeliveryError("the answer was not JSON") from error


class EmailChannel:
    def send(self, notification):
        address = notification.recipient.email if notification.recipient else ""
        if not address:
            raise DeliveryError("the recipient has no e-mail address", permanent=True)
        try:
            send_mail(
                subject=notification.title,
                message=plain_text(notification),
                from_email=None,
                recipient_list=[address],
            )
        except OSError as error:
            raise DeliveryError(f"mail server: {error}") from error


class SmsChannel:
    """Sends through the backend named by SMS_BACKEND."""

    def send(self, notification):
        phone = notification.recipient.phone if notification.recipient else ""
        if not phone or not phone.startswith("1"):
            raise DeliveryError("the recipient has no mobile number", permanent=True)
        backend = import_string(settings.SMS_BACKEND)()
        backend.send(phone, f"{notification.title} {absolute_url(notification.url)}")


class LogSmsBackend:
    """The default: writes what would be sent to the log (with the number masked)."""

    def send(self, phone, text):
        logger.info("SMS to %s****%s: %s", phone[:3], phone[-4:], text)


class HttpSmsBackend:
    """An HTTP SMS gateway: POSTs SMS_GATEWAY_TEMPLATE (JSON) filled in to SMS_GATEWAY_URL."""

    def send(self, phone, text):
        template = settings.SMS_GATEWAY_TEMPLATE
        payload = json.loads(
            template.replace("{phone}", json.dumps(phone)[1:-1]).replace(
                "{text}", json.dumps(text, ensure_ascii=False)[1:-1]
            )
        )
        answer = post_json(settings.SMS_GATEWAY_URL, payload)
        if str(answer.get("code", "0")) not in ("0", "OK", "200"):
            raise DeliveryError(f"gateway answered {answer}")


def markdown(notification):
    text = f"**{notification.title}**"
    if notification.body:
        text += f"\n\n{notification.body}"
    if notification.url:
        text += f"\n\n[{absolute_url(notification.url)}]({absolute_url(notification.url)})"
    return text


def robot_answer_ok(answer):
    """WeCom and DingTalk both answer {"errcode": 0, "errmsg": "ok"} on success."""
    if answer.get("errcode", 0) != 0:
        # 45009/130101: too many messages, worth a retry; anything else is a setup fault.
        code = answer.get("errcode")
        raise DeliveryError(
            f"robot answered {code}: {answer.get('errmsg', '')}",
            permanent=code not in (45009, 130101, -1),
        )


class WeComRobot:
    """企业微信群机器人: POST {"msgtype": "markdown", ...} to the robot's webhook URL."""

    def send(self, notification):
        payload = {"msgtype": "markdown", "markdown": {"content": markdown(notification)}}
        robot_answer_ok(post_json(notification.webhook.url, payload))


def dingtalk_signed_url(url, secret, timestamp_ms=None):
    """钉钉自定义机器人 with 加签: timestamp and an HMAC-SHA256 signature in the query."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(
        secret.encode(), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={sign}"


class DingTalkRobot:
    def send(self, notification):
        webhook = notification.webhook
        url = dingtalk_signed_url(webhook.url, webhook.secret) if webhook.secret else webhook.url
        payload = {
            "msgtype": "markdown",
            "markdown": {"title": notification.title, "text": markdown(notification)},
        }
        robot_answer_ok(post_json(url, payload))


CHANNELS = {
    Channel.EMAIL: EmailChannel,
    Channel.SMS: SmsChannel,
    Channel.WECOM: WeComRobot,
    Channel.DINGTALK: DingTalkRobot,
}


def channel_for(name):
    return CHANNELS[name]()
