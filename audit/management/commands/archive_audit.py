from django.core.management.base import BaseCommand, CommandError

from audit import chain


class Command(BaseCommand):
    help = (
        "Move audit rows older than AUDIT_RETENTION_DAYS (at least 180) to a gzip JSON-lines "
        "file under AUDIT_ARCHIVE_DIR, then delete them from the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-rows",
            type=int,
            default=chain.MAX_ARCHIVE_ROWS,
            help="Archive at most this many rows in this run (default %(default)s).",
        )

    def handle(self, *args, max_rows, **options):
        if max_rows < 1:
            raise CommandError("--max-rows must be at least 1")
        try:
            run = chain.archive(max_rows=max_rows)
        except chain.ChainBrokenError as error:
            chain.verify_and_alert()
            raise CommandError(str(error)) from error
        if run is None:
            self.stdout.write("nothing to archive")
        else:
            self.stdout.write(
                f"archived {run.rows} rows (#{run.first_event_id}–#{run.last_event_id}) "
                f"to {chain.archive_directory() / run.file_name}"
            )
