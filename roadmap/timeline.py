"""The dashboard's timeline: where each milestone sits on a shared time axis, as an inline SVG.

Each workstream is a lane; a milestone is a bar over its target interval (a quarter target spans
its quarter, a day target is a short mark), coloured by status, filled to its progress. Undated
milestones go to a lane of their own. The SVG is built here as a string because a template loop
over 10,000 bars is too slow; every text in it is escaped.
"""

import datetime
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from roadmap.models import Milestone

ROW_STEP = 24  # one row of bars
LANE_GAP = 6
HEADING_HEIGHT = 24
MAX_ROWS = 4
LABEL_WIDTH = 220
WIDTH = 1000
AXIS_HEIGHT = 30
LOOK_AHEAD = datetime.timedelta(days=180)
MIN_BAR = 0.4  # per cent of the axis, so a single day stays visible


@dataclass(frozen=True)
class Window:
    first: datetime.date
    last: datetime.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def percent(self, day: datetime.date) -> float:
        return max(0.0, min(100.0, (day - self.first).days / self.days * 100))


def window_for(milestones: list[Milestone], today: datetime.date) -> Window:
    """Return a window from the start of the earliest to the end of the latest dated target.

    It always shows today and the months after it, and is made of whole years.
    """
    starts = [m.target_start for m in milestones if m.target_start] + [today]
    ends = [m.target_end for m in milestones if m.target_end] + [today + LOOK_AHEAD]
    first = datetime.date(min(starts).year, 1, 1)
    last = datetime.date(max(ends).year, 12, 31)
    return Window(first, last)


def _years(window: Window):
    """Yield each year in the window with where it starts, in per cent of the axis."""
    for year in range(window.first.year, window.last.year + 1):
        day = datetime.date(year, 1, 1)
        yield year, window.percent(max(day, window.first))


def _pack(milestones: list[Milestone], window: Window) -> list[list[Milestone]]:
    """Stack a lane's bars into rows so that none covers another (at most ``MAX_ROWS`` rows)."""
    gap = datetime.timedelta(days=window.days * MIN_BAR / 100)
    rows: list[list[Milestone]] = []
    for milestone in sorted(milestones, key=lambda m: (m.target_start, m.target_end)):
        for row in rows:
            if row[-1].target_end + gap < milestone.target_start:
                row.append(milestone)
                break
        else:
            if len(rows) < MAX_ROWS:
                rows.append([milestone])
            else:
                rows[-1].append(milestone)
    return rows


def render(milestones: list[Milestone], today: datetime.date) -> SafeString:
    """Return the timeline of ``milestones``, one lane per workstream grouped by roadmap, as SVG."""
    window = window_for(milestones, today)
    by_lane: dict = {}
    undated = []
    for milestone in milestones:
        if milestone.target_end is None:
            undated.append(milestone)
        else:
            by_lane.setdefault(milestone.workstream, []).append(milestone)
    lanes = sorted(by_lane, key=lambda w: (w.roadmap.title, w.position, w.title))
    bars, labels = [], []
    y = AXIS_HEIGHT
    roadmap = None
    for lane in lanes:
        if lane.roadmap != roadmap:
            roadmap = lane.roadmap
            labels.append(_label_text(roadmap.title, y, css="tl-roadmap", anchor="start", x=4))
            y += HEADING_HEIGHT
        rows = _pack(by_lane[lane], window)
        labels.append(_label_text(lane.title, y + (len(rows) - 1) * ROW_STEP / 2))
        for row in rows:
            bars.extend(_bar(milestone, window, y) for milestone in row)
            y += ROW_STEP
        y += LANE_GAP
    if undated:
        labels.append(_label_text(_("No date yet"), y))
        step = 100 / (len(undated) + 1)
        bars.extend(_dot(m, number * step, y) for number, m in enumerate(undated, start=1))
        y += ROW_STEP
    height = y + 4
    plot = WIDTH - LABEL_WIDTH
    title = escape(_("Timeline of milestones by workstream"))
    today_label = escape(_("today"))
    today_x = window.percent(today)
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" role="group" '
        f'aria-labelledby="timeline-title" preserveAspectRatio="xMinYMin meet">',
        f'<title id="timeline-title">{title}</title>',
        f'<svg x="{LABEL_WIDTH}" y="0" width="{plot}" height="{height}" overflow="visible">',
        *(
            f'<line class="tl-grid" x1="{x:.3f}%" x2="{x:.3f}%" y1="{AXIS_HEIGHT - 8}" '
            f'y2="{height}"/><text class="tl-year" x="{x:.3f}%" dx="4" y="18">{year}</text>'
            for year, x in _years(window)
        ),
        *bars,
        f'<line class="tl-today" x1="{today_x:.3f}%" x2="{today_x:.3f}%" y1="{AXIS_HEIGHT - 12}" '
        f'y2="{height}"/><text class="tl-today-label" x="{today_x:.3f}%" dx="4" '
        f'y="{AXIS_HEIGHT - 2}">{today_label}</text>',
        "</svg>",
        *labels,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


def _label_text(label: str, y: float, *, css="tl-lane", anchor="end", x=LABEL_WIDTH - 8) -> str:
    return (
        f'<text class="{css}" x="{x}" y="{y + ROW_STEP / 2 + 4}" '
        f'text-anchor="{anchor}">{escape(Truncator(label).chars(40))}</text>'
    )


def _link(milestone: Milestone) -> str:
    """Open a link to the milestone, named for screen readers and tooltips."""
    title = f"{milestone.title}: {milestone.target.words()} ({milestone.get_status_display()})"
    return (
        f'<a href="{escape(milestone.get_absolute_url())}" '
        f'class="tl-item status-{milestone.status}"><title>{escape(title)}</title>'
    )


def _bar(milestone: Milestone, window: Window, y: int) -> str:
    start = window.percent(milestone.target_start)
    width = max(MIN_BAR, window.percent(milestone.target_end) - start + 100 / window.days)
    return (
        f"{_link(milestone)}"
        f'<rect class="tl-bar" x="{start:.3f}%" y="{y + 4}" width="{width:.3f}%" '
        'height="16" rx="3"/>'
        f'<rect class="tl-progress" x="{start:.3f}%" y="{y + 16}" '
        f'width="{width * milestone.progress / 100:.3f}%" height="4"/></a>'
    )


def _dot(milestone: Milestone, x: float, y: int) -> str:
    return f'{_link(milestone)}<circle class="tl-dot" cx="{x:.3f}%" cy="{y + 12}" r="6"/></a>'
