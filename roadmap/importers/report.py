"""What an import did: read, created, changed (with slips), unchanged and rejected, and why."""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportFailed(Exception):
    """The file can't be imported at all (wrong format, truncated, hostile, an invalid row without
    ``skip_invalid``): nothing is written."""


@dataclass
class ImportReport:
    unit: str = "items"
    read: int = 0
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    older: int = 0
    confirmed: int = 0  # records of what a source says that moved no milestone
    rejected: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def wrote_anything(self) -> bool:
        return bool(self.created or self.changed or self.confirmed)

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else ""
        summary = (
            f"{self.read} {self.unit} read: {len(self.created)} created, {len(self.changed)} "
            f"changed, {self.unchanged} unchanged, {self.skipped} filtered out, "
            f"{len(self.rejected)} rejected"
        )
        if self.older:
            summary += f", {self.older} older than the edition already imported"
        lines = [f"{summary}{' (dry run: nothing written)' if self.dry_run else ''}."]
        lines += [f"created{' ' + verb if verb else ''}: {item}" for item in self.created]
        lines += [f"changed{' ' + verb if verb else ''}: {item}" for item in self.changed]
        lines += [f"rejected: {item}" for item in self.rejected]
        lines += self.notes
        return lines
