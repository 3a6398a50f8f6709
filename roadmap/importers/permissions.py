"""What the person importing may write: an import creates and changes only what its importer's
account may create and change in the admin. An operator's command or a watch (no user) may write
everything."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Model

from roadmap.importers.report import ImportFailed


class Gate:
    def __init__(self, user: User | None = None) -> None:
        self.user = user

    def check(self, action: str, model: type[Model], what: str) -> None:
        """Refuse the import (``ImportFailed``) unless the user may ``action`` ("add" or
        "change") objects of ``model``; ``what`` names the object the file needs."""
        if self.user is None:
            return
        meta = model._meta
        if not self.user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
            verb = {"add": "create", "change": "change"}[action]
            raise ImportFailed(
                f"The file needs to {verb} {meta.verbose_name_plural} ({what}), which your "
                "account may not do; ask an administrator for that permission."
            )


EVERYONE = Gate()
