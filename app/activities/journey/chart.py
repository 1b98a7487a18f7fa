"""The emotion curve's geometry: plain numbers the SVG template draws.

One line per group, each with its own colour, dash pattern and marker shape
(never colour alone), a whisker for the spread (mean ± standard deviation)
at every phase, and a legend. The template `journey/_curve.svg.html` draws
it, on the projector and in the outcome pack alike.
"""
from __future__ import annotations

import textwrap

from flask_babel import lazy_gettext as _l

WIDTH, HEIGHT = 960, 440
LEFT, RIGHT, TOP, BOTTOM = 196, 24, 72, 110
# Colours with AA contrast on white; dash patterns and markers tell them apart without colour.
STYLES = [
    {"colour": "#0b3d91", "dash": "", "marker": "circle"},
    {"colour": "#a4161a", "dash": "14 7", "marker": "square"},
    {"colour": "#146c2e", "dash": "4 5", "marker": "triangle"},
    {"colour": "#6a1b9a", "dash": "16 5 4 5", "marker": "diamond"},
    {"colour": "#7a4100", "dash": "2 9", "marker": "circle-open"},
]


def _y(value: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + (2 - value) / 4 * plot, 1)


def _marker(shape: str, x: float, y: float, size: float = 9) -> dict:
    if shape in ("circle", "circle-open"):
        return {"shape": "circle", "cx": x, "cy": y, "r": size, "open": shape == "circle-open"}
    if shape == "square":
        return {"shape": "rect", "x": round(x - size, 1), "y": round(y - size, 1), "size": size * 2}
    if shape == "triangle":
        points = [(x, y - size * 1.2), (x + size * 1.1, y + size * 0.8), (x - size * 1.1, y + size * 0.8)]
    else:  # diamond
        points = [(x, y - size * 1.2), (x + size * 1.2, y), (x, y + size * 1.2), (x - size * 1.2, y)]
    return {"shape": "polygon", "points": " ".join(f"{round(px, 1)},{round(py, 1)}" for px, py in points)}


def emotion_chart(phases: list[dict], groups: list[dict], feelings) -> dict:
    """Geometry for phases [{id, name}], groups [{key, label}] and a ranking.Feelings."""
    from app.activities.journey.map import FEELING_WORDS

    count = max(len(phases), 1)
    step = (WIDTH - LEFT - RIGHT) / count
    xs = [round(LEFT + (i + 0.5) * step, 1) for i in range(len(phases))]
    chars = max(8, int(step / 13))
    labels = [
        {"x": x, "lines": textwrap.wrap(p["name"], chars, max_lines=3, placeholder="…") or [p["name"]],
         "name": p["name"]}
        for x, p in zip(xs, phases)
    ]
    # words stay lazy: translated when drawn, so this works outside a request too (PDF, CLI)
    ticks = [{"value": v, "y": _y(v), "number": f"{v:+d}" if v else "0", "word": FEELING_WORDS[v]}
             for v in (2, 1, 0, -1, -2)]
    lines = []
    group_count = max(len(groups), 1)
    for index, group in enumerate(groups):
        style = STYLES[index % len(STYLES)]
        offset = (index - (group_count - 1) / 2) * 7  # whiskers side by side, not on top of each other
        points, segments, current = [], [], []
        total = 0
        for x, point, phase in zip(xs, feelings.by_group.get(group["key"], []), phases):
            if point.mean is None:
                if current:
                    segments.append(current)
                current = []
                continue
            total += point.n
            px, py = round(x + offset, 1), _y(point.mean)
            current.append(f"{px},{py}")
            points.append({
                "x": px, "y": py, "low": _y(point.low), "high": _y(point.high), "mean": round(point.mean, 1),
                "n": point.n, "phase": phase["name"], "marker": _marker(style["marker"], px, py),
            })
        if current:
            segments.append(current)
        lines.append({
            "key": group["key"], "label": group["label"], "n": total, **style,
            "segments": [" ".join(s) for s in segments if len(s) > 1], "points": points,
        })
    legend = []
    for index, line in enumerate(lines):
        lx, ly = 20 + (index % 3) * 310, 20 + (index // 3) * 30
        legend.append({**line, "lx": lx, "ly": ly, "sample": f"{lx},{ly} {lx + 44},{ly}",
                       "sample_marker": _marker(line["marker"], lx + 22, ly, 7)})
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
        "bottom": HEIGHT - BOTTOM, "zero": _y(0), "ticks": ticks, "labels": labels, "lines": lines,
        "legend": legend, "empty": not any(line["points"] for line in lines),
        "title": _l("How each step feels, by group"),
    }
