from django.core.management.base import BaseCommand, CommandError

from roadmap.importers.files import open_file_or_url
from roadmap.importers.kinds import ImportKind, import_file
from roadmap.importers.report import ImportFailed


class Command(BaseCommand):
    help = (
        "Import an edition of the US Unified Agenda (reginfo.gov XML): each rule's timetable as "
        "milestones; a later edition records moved dates as changes (slips) and completions."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE_OR_URL")
        parser.add_argument("--agency", default="", help="Only this agency, e.g. SEC.")
        parser.add_argument("--rin-prefix", default="", help="Only RINs starting so, e.g. 3235.")
        parser.add_argument(
            "--keyword", default="", help="Only rules whose title or abstract has it."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the rest of a file that has invalid rows, listing each one skipped.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report; write nothing.")

    def handle(self, *args, source, agency, rin_prefix, keyword, skip_invalid, dry_run, **options):
        try:
            with open_file_or_url(source) as stream:
                report = import_file(
                    ImportKind.UNIFIED_AGENDA,
                    stream,
                    agency=agency,
                    rin_prefix=rin_prefix,
                    keyword=keyword,
                    skip_invalid=skip_invalid,
                    dry_run=dry_run,
                )
        except ImportFailed as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        self.stdout.write("\n".join(report.lines()))
