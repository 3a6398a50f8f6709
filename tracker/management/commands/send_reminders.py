from django.core.management.base import BaseCommand

from tracker.dispatch import dispatch
from tracker.management.commands.send_digests import report
from tracker.models import DeliveryKind


class Command(BaseCommand):
    help = (
        "Send the reminders that are due now (the same walk as beat's dispatcher). Sent "
        "reminders are recorded, so none goes twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print who would get what; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        dispatched = dispatch(kinds={DeliveryKind.REMINDER}, dry_run=dry_run, describe=True)
        report(self, dispatched, dry_run, "reminder")
