"""Print the current sign-in code of a user's authenticator (being set up or confirmed).

For the demo (`make run`: sign in as admin, then `.venv/bin/python manage.py otp_code admin`)
and for an operator at the server's console; whoever can run this can read the database
anyway, which is where the keys are.
"""

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current code of a user's TOTP authenticator."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = (
            TOTPDevice.objects.filter(user__username=username).order_by("-confirmed", "-pk").first()
        )
        if device is None:
            raise CommandError(
                f"{username} has no authenticator yet: sign in once to be shown the set-up page."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
