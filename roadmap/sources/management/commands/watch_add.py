from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from roadmap.sources import services
from roadmap.sources.models import DOCUMENT_TYPES, WatchKind


class Command(BaseCommand):
    help = (
        "Add a watch: a Federal Register search (URL: the API's base URL), the Unified Agenda "
        "(URL: the edition index page) or an RSS/Atom feed. Prints the watch's name."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", metavar="KIND", choices=WatchKind.values)
        parser.add_argument("url", metavar="URL")
        parser.add_argument("--name", default="", help="Default: made from the kind and host.")
        parser.add_argument("--every", type=int, default=360, metavar="MINUTES")
        parser.add_argument(
            "--agency", action="append", default=[], metavar="SLUG", dest="agencies"
        )
        parser.add_argument("--term", default="", metavar="WORDS")
        parser.add_argument(
            "--type", action="append", default=[], choices=DOCUMENT_TYPES, dest="types"
        )

    def handle(self, *args, kind, url, name, every, agencies, term, types, **options):
        try:
            watch = services.watch_add(
                kind=kind,
                url=url,
                name=name,
                every_minutes=every,
                agencies=agencies,
                term=term,
                document_types=types,
            )
        except ValidationError as error:
            problems = [
                f"{field}: {message}" if field != "__all__" else message
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("; ".join(problems)) from error
        self.stdout.write(watch.name)
