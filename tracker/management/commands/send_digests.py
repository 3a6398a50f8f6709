from django.core.management.base import BaseCommand, CommandError

from tracker.dispatch import Dispatched, dispatch, dispatch_for
from tracker.models import DeliveryKind, Subscriber
from tracker.previews import preview


class Command(BaseCommand):
    help = (
        "Send the digests that are due now (the same walk as beat's dispatcher), or one "
        "subscriber's digest whatever the hour. Sent digests are recorded, so none goes twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--subscriber", metavar="EMAIL", help="Only this subscriber, now.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get what (with --subscriber, the email itself); send nothing.",
        )

    def handle(self, *args, subscriber=None, dry_run=False, **options):
        if subscriber:
            found = Subscriber.objects.active().filter(email__iexact=subscriber.strip()).first()
            if found is None:
                raise CommandError(f"No confirmed, active subscriber has the address {subscriber}.")
            dispatched = dispatch_for(found, dry_run=dry_run)
            if not dispatched.due:
                self.stdout.write(f"{found.email}: nothing changed since the last digest")
            if dry_run and dispatched.ids:
                self._print_email(found)
        else:
            dispatched = dispatch(kinds={DeliveryKind.DIGEST}, dry_run=dry_run, describe=True)
        report(self, dispatched, dry_run, "digest")

    def _print_email(self, subscriber: Subscriber) -> None:
        """Print the digest the dry run would have queued, as its text part reads."""
        message = preview(subscriber, DeliveryKind.DIGEST)["message"]
        self.stdout.write(f"Subject: {message.subject}\n\n{message.body}")


def report(command: BaseCommand, dispatched: Dispatched, dry_run: bool, noun: str) -> None:
    """Print each delivery queued (on a dry run, that would be) and how many."""
    for delivery in dispatched.queued or ():
        command.stdout.write(f"{delivery.email}: {delivery.key}")
    verb = "would be queued (dry run: nothing written)" if dry_run else "queued"
    command.stdout.write(command.style.SUCCESS(f"{len(dispatched.ids)} {noun}(s) {verb}."))
