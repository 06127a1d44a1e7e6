"""Two-factor sign-in (TOTP, django-otp) for the roles that settings.OTP_REQUIRED_ROLES names
(by default the business administrator and the three administrators of 三员分立) and for
superusers.

After the password, such a user is "signed in but not verified" (django-otp's
OTPMiddleware says so through user.is_verified()): accounts.middleware lets them reach only
this step, logout and the language switch. A user without a confirmed authenticator sets
one up first: the page shows a QR code for any TOTP app (手机令牌, Google Authenticator,
Microsoft Authenticator…) and the key in letters, and the first code they type confirms
it. A lost phone: the security administrator deletes the user's device in the admin (TOTP
devices), and the next sign-in sets up a new one.
"""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "default"


def required_for(user):
    return user.is_authenticated and (
        user.is_superuser or user.role in getattr(settings, "OTP_REQUIRED_ROLES", ())
    )


def needs_verification(request):
    user = request.user
    return required_for(user) and not user.is_verified()


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_device(user):
    """The authenticator being set up (made on the first visit, kept until confirmed)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def seconds_to_wait(device):
    """After a wrong code django-otp refuses the next tries for 1, 2, 4… seconds (against
    guessing); how long is left, or 0."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (details or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))


def verify(request, device, token):
    """True, and the session verified, when `token` is the device's current code."""
    token = (token or "").strip().replace(" ", "")
    if not (token.isascii() and token.isdigit() and len(token) == device.digits):
        return False
    if not device.verify_token(token):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def qr_code_data_uri(device):
    """The device's otpauth:// URL as an SVG image in a data: URI (the CSP allows data:
    images, and no third party ever sees the key)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def key_in_letters(device):
    """The shared key in base32, grouped by four, for typing into an app by hand."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
