from django.core.management.base import BaseCommand

from roadmap.demo import load_demo_roadmap


class Command(BaseCommand):
    help = (
        "Load the SEC Crypto Task Force roadmap and its EU, Singapore and Japan comparison. "
        "What already exists is left as it is."
    )

    def handle(self, *args, **options):
        created = load_demo_roadmap()
        self.stdout.write(f"Demo roadmap loaded: {created} milestone(s) created.")
