from django.core.management.base import BaseCommand, CommandError

from audit import chain


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain from the last archived hash; on a break, log it, "
        "mail the admins and notify the audit and security administrators (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--archives",
            action="store_true",
            help="Also read every archive file and verify the chain across them.",
        )

    def handle(self, *args, archives=False, **options):
        broken = False
        if archives:
            files = chain.verify_archives()
            self.stdout.write(f"archives: {files.summary()}")
            if not files.intact:
                chain.alert_broken_chain(files)
                broken = True
        result = chain.verify_and_alert()
        self.stdout.write(f"database: {result.summary()}")
        if broken or not result.intact:
            raise CommandError("the audit chain is broken")
