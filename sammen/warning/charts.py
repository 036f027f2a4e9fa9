"""The school's tiers over time as server-rendered SVG: a row of bars per tier, a bar per month.

Small multiples rather than stacked colours: each row is named by its tier and each bar carries
its number, so colour is never the only cue. The page shows the same numbers in a table for
screen readers and print. Built with the attendance charts' escaping helpers, so every string that
reaches the SVG is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# The escaping primitives of the attendance charts: one implementation of SVG escaping.
from sammen.attendance.charts import FRAME, INK, SUBTLE, _el, _svg, _text
from sammen.warning.tiers import TIER_NAMES, TierPoint

# Fills with at least 3:1 contrast against white, darker for the worse tiers.
FILLS = {
    "satisfactory": "#3C7A47",
    "at_risk": "#8A6100",
    "chronic": "#B34700",
    "severe": "#A3161B",
}
LEFT = 150
BAR = 26
GAP = 14
ROW = 62
BAR_SPACE = 38  # the tallest bar; the rest of a row is its number and a gap
TOP = 6
BOTTOM = 22


def tier_label(name: str) -> str:
    labels = {
        "satisfactory": _("Satisfactory"),
        "at_risk": _("At risk"),
        "chronic": _("Chronic absence"),
        "severe": _("Severe absence"),
    }
    return labels.get(name, name)


def tier_range(name: str) -> str:
    ranges = {
        "satisfactory": _("under %(high)s %%") % {"high": 5},
        "at_risk": _("%(low)s to %(high)s %%") % {"low": 5, "high": 10},
        "chronic": _("%(low)s to %(high)s %%") % {"low": 10, "high": 20},
        "severe": _("%(low)s %% or more") % {"low": 20},
    }
    return ranges.get(name, "")


def month_name(point: TierPoint) -> str:
    return date_format(point.month, "F Y").capitalize()


def tier_chart(points: Sequence[TierPoint], *, ident: str = "tiers") -> SafeString:
    highest = max((c for p in points for c in p.counts), default=0) or 1
    width = LEFT + max(len(points), 1) * (BAR + GAP) + 4
    height = TOP + len(TIER_NAMES) * ROW + BOTTOM
    body: list[str] = []
    for row, name in enumerate(TIER_NAMES):
        base = TOP + row * ROW + ROW - 8
        body.append(_el("text", _text(tier_label(name)), x=0, y=base - 14, fill=INK, font_size=13))
        body.append(_el("text", _text(tier_range(name)), x=0, y=base, fill=SUBTLE, font_size=11))
        body.append(
            _el("line", x1=LEFT - 4, y1=base, x2=width - 4, y2=base, stroke=FRAME, stroke_width=1)
        )
        for i, point in enumerate(points):
            count = point.count(name)
            x = LEFT + i * (BAR + GAP)
            bar = round(BAR_SPACE * count / highest, 1)
            label = _("%(month)s: %(tier)s, %(count)d pupils") % {
                "month": month_name(point),
                "tier": tier_label(name),
                "count": count,
            }
            body.append(
                _el(
                    "g",
                    _el("title", _text(label)),
                    _el("rect", x=x, y=base - bar, width=BAR, height=bar, fill=FILLS[name]),
                    _el(
                        "text",
                        _text(count),
                        x=x + BAR // 2,
                        y=base - bar - 3,
                        fill=INK,
                        font_size=11,
                        text_anchor="middle",
                    ),
                    class_=f"tier tier--{name}",
                )
            )
    for i, point in enumerate(points):
        body.append(
            _el(
                "text",
                _text(date_format(point.month, "M")),
                x=LEFT + i * (BAR + GAP) + BAR // 2,
                y=height - 6,
                fill=SUBTLE,
                font_size=11,
                text_anchor="middle",
            )
        )
    title = _("Pupils by attendance tier, month by month")
    if points:
        last = points[-1]
        parts = ", ".join(f"{tier_label(n)} {last.count(n)}" for n in TIER_NAMES)
        desc = _(
            "Number of pupils in each tier at the end of each month. Latest, %(date)s: %(parts)s."
        ) % {"date": f"{last.as_of.day}.{last.as_of.month}.{last.as_of.year}", "parts": parts}
    else:
        desc = _("No school days counted yet this school year.")
    return _svg(ident, title, desc, width, height, *body)
