from django.core.management.base import BaseCommand, CommandError

from roadmap.importers.files import open_file_or_url
from roadmap.importers.kinds import ImportKind, import_file
from roadmap.importers.report import ImportFailed


class Command(BaseCommand):
    help = (
        "Import Federal Register documents (the API's JSON: one document or a search page): "
        "comment deadlines and effective dates, completing the steps of tracked rules."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE_OR_URL")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the rest of a file that has invalid documents, listing each one skipped.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report; write nothing.")

    def handle(self, *args, source, skip_invalid, dry_run, **options):
        try:
            with open_file_or_url(source) as stream:
                report = import_file(
                    ImportKind.FEDERAL_REGISTER, stream, skip_invalid=skip_invalid, dry_run=dry_run
                )
        except ImportFailed as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        self.stdout.write("\n".join(report.lines()))
