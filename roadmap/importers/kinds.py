"""The one door to the importers: the import commands and the admin's import jobs all call
``import_file`` (the watches call the per-source functions with what they fetched)."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.db import models
from django.utils.translation import gettext_lazy as _

from roadmap.importers.federal_register import import_federal_register
from roadmap.importers.permissions import EVERYONE, Gate
from roadmap.importers.report import ImportFailed, ImportReport
from roadmap.importers.unified_agenda import import_unified_agenda


class ImportKind(models.TextChoices):
    UNIFIED_AGENDA = "unified_agenda", _("Unified Agenda edition (reginfo.gov XML)")
    FEDERAL_REGISTER = "federal_register", _("Federal Register documents (API JSON)")


def import_file(
    kind: str,
    stream: IO[bytes],
    *,
    agency: str = "",
    rin_prefix: str = "",
    keyword: str = "",
    skip_invalid: bool = False,
    dry_run: bool = False,
    gate: Gate = EVERYONE,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import ``stream`` as a file of ``kind``; all or nothing (see each importer). The filters
    (``agency``, ``rin_prefix``, ``keyword``) apply to Unified Agenda editions only."""
    if kind == ImportKind.UNIFIED_AGENDA:
        return import_unified_agenda(
            stream,
            agency=agency,
            rin_prefix=rin_prefix,
            keyword=keyword,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            gate=gate,
            progress=progress,
        )
    if kind == ImportKind.FEDERAL_REGISTER:
        return import_federal_register(
            stream, skip_invalid=skip_invalid, dry_run=dry_run, gate=gate, progress=progress
        )
    raise ImportFailed(f"“{kind}” is not a kind of file the tracker imports.")
