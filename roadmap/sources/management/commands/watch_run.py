from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from roadmap.sources import selectors, services
from roadmap.sources.models import RunState, Watch


class Command(BaseCommand):
    help = (
        "Run the named watches, or every watch that is due, now. Prints one line per watch, then "
        "its errors, one per line."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="NAME")
        parser.add_argument("--dry-run", action="store_true", help="Report; write nothing.")

    def handle(self, *args, names, dry_run, **options):
        if names:
            watches = list(Watch.objects.filter(name__in=names))
            unknown = sorted(set(names) - {watch.name for watch in watches})
            if unknown:
                raise CommandError(f"No watch named: {', '.join(unknown)}")
        else:
            watches = list(selectors.due_watches(timezone.now()))
        failed = 0
        for watch in watches:
            run = services.watch_run(watch=watch, dry_run=dry_run)
            self.stdout.write(run.summary())
            for error in run.errors:
                self.stdout.write(error)
            failed += run.state == RunState.FAILED
        if failed:
            raise CommandError(f"{failed} of {len(watches)} watches failed.")
