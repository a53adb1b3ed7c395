"""Bar charts drawn on the server as inline SVG (no script, no CDN): the geometry of each bar, nothing else.

Pure: no ORM, no request. Bars are percentages of the chart's width and labels keep their size on a
phone (no viewBox, as the off-the-job chart). Every bar carries its label and value as text, and bars
alternate fill patterns, so no figure is told by colour alone; the page puts the same figures in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise

#: Vertical space of one bar: its label line, then the bar.
BAR_PITCH = 52
#: The fill patterns bars take in turn (CSS classes of static/css/dashboard.css; defined in the chart template).
PATTERNS = ("solid", "stripes", "dots")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Bar:
    key: str
    label: str | Promise
    value: float
    text: str  # the value as the bar's label says it: "12", "18.5 h", "40%"
    width: Decimal  # 0..100, a share of the chart's width
    y: int
    pattern: str


@dataclass(frozen=True)
class Marker:
    """A vertical line across the bars (a target), with its label."""

    label: str | Promise
    x: Decimal  # 0..100


@dataclass(frozen=True)
class BarChart:
    slug: str  # unique on the page: ids of the SVG's title, description and patterns
    title: str | Promise
    bars: tuple[Bar, ...]
    marker: Marker | None = None
    #: Shown under the chart in place of the usual note: what a chart of some of the rows shows, in words.
    caption: str | Promise | None = None

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * BAR_PITCH + (24 if self.marker else 8)

    @property
    def description(self) -> str:
        """Every bar in words, for the SVG's <desc>."""
        return "; ".join(f"{bar.label}: {bar.text}" for bar in self.bars) or "–"


def _share(value: float, longest: float) -> Decimal:
    if longest <= 0:
        return Decimal(0)
    return (Decimal(str(value)) / Decimal(str(longest)) * 100).quantize(TENTH, rounding=ROUND_HALF_UP)


def bar_chart(
    slug: str,
    title: str | Promise,
    values: Sequence[tuple[str, str | Promise, float]],
    *,
    unit: str = "",
    scale_to: float | None = None,
    marker: tuple[str | Promise, float] | None = None,
    caption: str | Promise | None = None,
) -> BarChart:
    """A horizontal bar chart of `values` (key, label, value), the longest bar (or `scale_to`, or the marker,
    whichever is greatest) filling the width; `unit` follows each value ("h", "%")."""
    longest = max([value for _key, _label, value in values] + [scale_to or 0, marker[1] if marker else 0])
    bars = tuple(
        Bar(key=key, label=label, value=value, text=_number(value) + unit, width=_share(value, longest),
            y=index * BAR_PITCH, pattern=PATTERNS[index % len(PATTERNS)])
        for index, (key, label, value) in enumerate(values)
    )
    return BarChart(slug=slug, title=title, bars=bars,
                    marker=Marker(label=marker[0], x=_share(marker[1], longest)) if marker else None, caption=caption)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
