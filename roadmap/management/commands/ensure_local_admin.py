import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create an admin login for local use if no superuser exists, with a fresh random "
        "password printed once; otherwise say how to get in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="The site's address.")

    def handle(self, *args, username, url, **options):
        admin_url = url.rstrip("/") + "/" + settings.ADMIN_URL
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                f"Sign in at {admin_url} with your admin login "
                "(forgotten it? python manage.py changepassword <username>)."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            f"Created a local admin. Sign in at {admin_url} as {username} with password "
            f"{password} (shown only now; change it with "
            f"python manage.py changepassword {username})."
        )
