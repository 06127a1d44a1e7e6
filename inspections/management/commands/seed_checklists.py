from django.core.management.base import BaseCommand

from inspections.seeding import seed_checklists


class Command(BaseCommand):
    help = "Load the standard checklists; a changed checklist gets a new version (idempotent)."

    def handle(self, *args, **options):
        for code, outcome in seed_checklists().items():
            self.stdout.write(f"{code}: {outcome}")
