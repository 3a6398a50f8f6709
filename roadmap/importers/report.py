"""What an import did: created, changed (with slips), unchanged and rejected, and why."""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportFailed(Exception):
    """The file can't be imported at all (wrong format, truncated, hostile): nothing is written."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    rejected: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else ""
        summary = (
            f"{len(self.created)} created, {len(self.changed)} changed, {self.unchanged} unchanged,"
            f" {self.skipped} filtered out, {len(self.rejected)} rejected"
        )
        lines = [f"{summary}{' (dry run: nothing written)' if self.dry_run else ''}."]
        lines += [f"created{' ' + verb if verb else ''}: {item}" for item in self.created]
        lines += [f"changed{' ' + verb if verb else ''}: {item}" for item in self.changed]
        lines += [f"rejected: {item}" for item in self.rejected]
        lines += self.notes
        return lines
