"""Ruled tables on a PDF page: found from their border lines, read as one line per row.

Word, LibreOffice and browsers draw table borders as thin filled rectangles or stroked lines.
Thin horizontal and vertical rules (pdfium path objects) that touch each other form a grid;
a grid with at least two rules each way is a table. Its glyphs are taken out of the page's
text flow; each cell's glyphs are read as lines (:mod:`.pdf_layout`), and each table row
becomes one line with its cells joined by `` | ``, right cell first on a right-to-left table.
Tables without borders are read as ordinary text (a known limit).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

RULE_MAX = 2.5  # thickness (pt) below which a path is a rule
RULE_MIN = 8.0  # length (pt) above which it is one
SNAP = 2.0  # rules closer than this share a position


@dataclass
class Table:
    x0: float
    top: float
    x1: float
    bottom: float
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom

    def contains(self, x: float, y: float) -> bool:
        return self.x0 - 1 <= x <= self.x1 + 1 and self.top - 1 <= y <= self.bottom + 1

    def cell(self, x: float, y: float) -> tuple[int, int]:
        """(row, column) of a point inside the table."""
        row = max(0, min(len(self.ys) - 2, sum(1 for b in self.ys[1:-1] if y >= b)))
        col = max(0, min(len(self.xs) - 2, sum(1 for b in self.xs[1:-1] if x >= b)))
        return row, col


def find_tables(page: Any, height: float) -> list[Table]:
    """The ruled tables of a pypdfium2 page (coordinates from the top of the page)."""
    import pypdfium2.raw as raw

    rules: list[tuple[float, float, float, float, str]] = []
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    for i in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, i)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH:
            continue
        raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        x0, x1, y0, y1 = left.value, right.value, height - top.value, height - bottom.value
        w, h = x1 - x0, y1 - y0
        if h <= RULE_MAX and w >= RULE_MIN:
            rules.append((x0, y0, x1, y1, "h"))
        elif w <= RULE_MAX and h >= RULE_MIN:
            rules.append((x0, y0, x1, y1, "v"))
    if len(rules) < 4:
        return []
    tables = []
    for group in _touching(rules):
        hs = [r for r in group if r[4] == "h"]
        vs = [r for r in group if r[4] == "v"]
        if len(hs) < 2 or len(vs) < 2:
            continue
        xs = _snap([(r[0] + r[2]) / 2 for r in vs])
        ys = _snap([(r[1] + r[3]) / 2 for r in hs])
        if len(xs) < 2 or len(ys) < 2:
            continue
        tables.append(Table(min(r[0] for r in group), min(r[1] for r in group), max(r[2] for r in group),
                            max(r[3] for r in group), xs, ys))  # fmt: skip
    return tables


def _touching(
    rules: list[tuple[float, float, float, float, str]],
) -> list[list[tuple[float, float, float, float, str]]]:
    """Groups of rules connected by touching (within SNAP), by union-find."""
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(rules):
        for j in range(i + 1, len(rules)):
            b = rules[j]
            if a[0] - SNAP <= b[2] and b[0] - SNAP <= a[2] and a[1] - SNAP <= b[3] and b[1] - SNAP <= a[3]:
                parent[find(i)] = find(j)
    groups: dict[int, list[tuple[float, float, float, float, str]]] = {}
    for i, rule in enumerate(rules):
        groups.setdefault(find(i), []).append(rule)
    return list(groups.values())


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out
