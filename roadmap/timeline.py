"""The dashboard's timeline: where each milestone sits on a shared time axis, as an inline SVG.

Each workstream is a lane; a milestone is a bar over its target interval (a quarter target spans
its quarter), coloured by status, filled to its progress, and numbered; a target of one day is a
diamond. The numbers are keyed in a list beside the chart, which keyboard, touch and screen
reader users read instead of hovering. A milestone with a forecast has a thin band under its
bar from the forecast's P50 day to its P80 day. Lane names wrap rather than being cut. Undated
milestones are not on the axis at all: they are listed under it. The SVG is built here as a
string because a template loop over the bars is too slow; every text in it is escaped.
"""

import datetime
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from roadmap.content_language import local
from roadmap.models import Milestone, Precision

ROW_STEP = 24  # one row of bars
LINE_STEP = 14  # one line of a wrapped lane name
LANE_GAP = 6
HEADING_HEIGHT = 24
MAX_ROWS = 4
LABEL_WIDTH = 220
LABEL_COLUMNS = 34  # what fits in LABEL_WIDTH at the lanes' font size, a wide character being two
WIDTH = 1000
AXIS_HEIGHT = 30
LOOK_AHEAD = datetime.timedelta(days=180)
MIN_BAR = 0.4  # per cent of the axis, so a short target stays visible
NUMBER_ROOM = 30  # units after a bar for its number, kept clear of the next bar in the row
DIAMOND = 7  # half the width of a one-day diamond


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
    ends += [band[1] for band in map(forecast_band, milestones) if band]
    first = datetime.date(min(starts).year, 1, 1)
    last = datetime.date(max(ends).year, 12, 31)
    return Window(first, last)


def _years(window: Window):
    """Yield each year in the window with where it starts, in per cent of the axis."""
    for year in range(window.first.year, window.last.year + 1):
        day = datetime.date(year, 1, 1)
        yield year, window.percent(max(day, window.first))


def _pack(milestones: list[Milestone], window: Window) -> list[list[Milestone]]:
    """Stack a lane's bars into rows so that none covers another or its number (at most
    ``MAX_ROWS`` rows)."""
    gap = datetime.timedelta(days=window.days * (MIN_BAR / 100 + NUMBER_ROOM / _plot_width()))
    rows: list[list[Milestone]] = []
    for milestone in sorted(milestones, key=lambda m: (m.target_start, m.target_end)):
        start = _span(milestone)[0]
        for row in rows:
            if _span(row[-1])[1] + gap < start:
                row.append(milestone)
                break
        else:
            if len(rows) < MAX_ROWS:
                rows.append([milestone])
            else:
                rows[-1].append(milestone)
    return rows


def _span(milestone: Milestone) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day of a dated milestone's target."""
    if milestone.target_start is None or milestone.target_end is None:
        raise ValueError(f"{milestone.slug} has no target dates")
    return milestone.target_start, milestone.target_end


def _plot_width() -> int:
    return WIDTH - LABEL_WIDTH


def wrap(text: str) -> list[str]:
    """Return ``text`` in lines of at most ``LABEL_COLUMNS`` (a wide character counting two), broken
    between words or wide characters, and a word longer than a line between its characters."""
    lines: list[str] = []
    line, used = "", 0
    for word, spaced in _words(text):
        width = sum(2 if _is_wide(character) else 1 for character in word)
        joiner = " " if line and spaced else ""
        if line and used + len(joiner) + width > LABEL_COLUMNS:
            lines.append(line)
            line, used, joiner = "", 0, ""
        line += joiner + word
        used += len(joiner) + width
    if line:
        lines.append(line)
    return lines


def _words(text: str):
    """Yield what a line may break between, words and wide characters, each with whether a space
    came before it."""
    word, spaced = "", False
    for character in text:
        if character.isspace() or _is_wide(character):
            if word:
                yield from _pieces(word, spaced)
                word, spaced = "", False
            if character.isspace():
                spaced = True
            else:
                yield character, spaced
                spaced = False
        else:
            word += character
    if word:
        yield from _pieces(word, spaced)


def _pieces(word: str, spaced: bool):
    """Yield a word of narrow characters in pieces that each fit on a line."""
    for start in range(0, len(word), LABEL_COLUMNS):
        yield word[start : start + LABEL_COLUMNS], spaced and start == 0


def _is_wide(character: str) -> bool:
    return unicodedata.east_asian_width(character) in "WF"


def forecast_band(milestone: Milestone) -> tuple[datetime.date, datetime.date] | None:
    """The milestone's forecast P50 and P80 days, if it has a forecast with figures."""
    forecast = getattr(milestone, "forecast", None)
    if forecast is None or forecast.p50 is None or milestone.target_end is None:
        return None
    return forecast.p50, forecast.p80


@dataclass(frozen=True)
class Timeline:
    """The chart, its key (each bar's number and milestone) and the milestones with no date."""

    svg: SafeString
    key: list[tuple[int, Milestone]]
    undated: list[Milestone]


def render(milestones: list[Milestone], today: datetime.date) -> Timeline:
    """Return the timeline of ``milestones``, one lane per workstream grouped by roadmap."""
    window = window_for(milestones, today)
    by_lane: dict = {}
    undated = []
    for milestone in milestones:
        if milestone.target_end is None:
            undated.append(milestone)
        else:
            by_lane.setdefault(milestone.workstream, []).append(milestone)
    lanes = sorted(by_lane, key=lambda w: (w.roadmap.title, w.position, w.title))
    bars: list[str] = []
    labels: list[str] = []
    key: list[tuple[int, Milestone]] = []
    numbers: dict[int, int] = {}
    y = AXIS_HEIGHT
    roadmap = None
    for lane in lanes:
        if lane.roadmap != roadmap:
            roadmap = lane.roadmap
            labels.append(_heading(local(roadmap, "title"), y))
            y += HEADING_HEIGHT
        rows = _pack(by_lane[lane], window)
        lines = wrap(local(lane, "title"))
        labels.append(_lane_label(lines, y))
        for number, milestone in enumerate(
            sorted(by_lane[lane], key=lambda m: (m.target_start, m.target_end, m.title)),
            start=len(key) + 1,
        ):
            key.append((number, milestone))
            numbers[milestone.pk] = number
        top = y
        for row in rows:
            bars.extend(_mark(milestone, numbers[milestone.pk], window, y) for milestone in row)
            y += ROW_STEP
        y = max(y, top + len(lines) * LINE_STEP + 6) + LANE_GAP
    height = y + 4
    title = escape(_("Timeline of milestones by workstream"))
    today_label = escape(_("today"))
    today_x = window.percent(today)
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" role="group" '
        f'aria-labelledby="timeline-title" preserveAspectRatio="xMinYMin meet">',
        f'<title id="timeline-title">{title}</title>',
        f'<svg x="{LABEL_WIDTH}" y="0" width="{_plot_width()}" height="{height}" '
        'overflow="visible">',
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
    svg = mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()
    return Timeline(svg=svg, key=key, undated=undated)


def _heading(title: str, y: float) -> str:
    """A roadmap's name, across the whole width above its lanes: never cut."""
    return f'<text class="tl-roadmap" x="4" y="{y + ROW_STEP / 2 + 4}">{escape(title)}</text>'


def _lane_label(lines: list[str], y: float) -> str:
    """A workstream's name, right-aligned beside its lane, on as many lines as it needs."""
    x = LABEL_WIDTH - 8
    spans = "".join(
        f'<tspan x="{x}" y="{y + LINE_STEP * number + 16}">{escape(line)}</tspan>'
        for number, line in enumerate(lines)
    )
    return f'<text class="tl-lane" text-anchor="end">{spans}</text>'


def _link(milestone: Milestone, number: int) -> str:
    """Open a link to the milestone, named for screen readers and tooltips."""
    title = (
        f"{number}. {local(milestone, 'title')}: {milestone.target.words()} "
        f"({milestone.get_status_display()})"
    )
    band = forecast_band(milestone)
    if band is not None:
        title += " " + _("Forecast: P50 %(p50)s, P80 %(p80)s.") % {
            "p50": band[0].isoformat(),
            "p80": band[1].isoformat(),
        }
    return (
        f'<a href="{escape(milestone.get_absolute_url())}" '
        f'class="tl-item status-{milestone.status}"><title>{escape(title)}</title>'
    )


def _mark(milestone: Milestone, number: int, window: Window, y: int) -> str:
    """A bar over the target's interval, or a diamond on its one day, then its number."""
    first, last = _span(milestone)
    start = window.percent(first)
    if milestone.target_precision == Precision.DAY:
        shape = (
            f'<svg x="{start:.3f}%" y="{y + 12}" overflow="visible">'
            f'<path class="tl-day" d="M0 -{DIAMOND}L{DIAMOND} 0L0 {DIAMOND}L-{DIAMOND} 0Z"/></svg>'
        )
        end, offset = start, DIAMOND + 3
    else:
        width = max(MIN_BAR, window.percent(last) - start + 100 / window.days)
        shape = (
            f'<rect class="tl-bar" x="{start:.3f}%" y="{y + 4}" width="{width:.3f}%" '
            'height="16" rx="3"/>'
            f'<rect class="tl-progress" x="{start:.3f}%" y="{y + 16}" '
            f'width="{width * milestone.progress / 100:.3f}%" height="4"/>'
        )
        end, offset = start + width, 3
    band = forecast_band(milestone)
    if band is not None:
        p50, p80 = (window.percent(day) for day in band)
        shape += (
            f'<rect class="tl-forecast" x="{p50:.3f}%" y="{y + 21}" '
            f'width="{max(MIN_BAR, p80 - p50):.3f}%" height="3"/>'
        )
        end, offset = max(end, p80 + MIN_BAR), 3
    return (
        f"{_link(milestone, number)}{shape}"
        f'<text class="tl-number" x="{end:.3f}%" dx="{offset}" y="{y + 16}">{number}</text></a>'
    )
