"""Pure: a map of Germany from the directory's own coordinates, no outside map data.

Every point is a dot on a pixel grid: an equirectangular projection whose longitudes are
shortened by the cosine of Germany's middle latitude, so the country keeps its shape. A layer
is one ``<path>`` of tiny round-capped subpaths ("M x y h0"), about ten bytes a dot: the 11,000
Gemeinden make a map of some 100 KB. Dots falling on the same pixel are drawn once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

NORTH, SOUTH, WEST, EAST = 55.1, 47.2, 5.8, 15.1
PIXELS_PER_DEGREE = 62.0
SHORTENING = math.cos(math.radians((NORTH + SOUTH) / 2))
MARGIN = 6
WIDTH = round((EAST - WEST) * SHORTENING * PIXELS_PER_DEGREE) + 2 * MARGIN
HEIGHT = round((NORTH - SOUTH) * PIXELS_PER_DEGREE) + 2 * MARGIN
LEGEND_HEIGHT = 52

GREY = "#8a8a8a"  # the directory: 3.4:1 on white (WCAG 1.4.11 for graphics)
REACHED = "#a31515"  # reached: 7.6:1 on white, darker than the grey, and drawn larger


@dataclass(frozen=True)
class Layer:
    """Dots as one path's data, and how many dots (pixels) it holds."""

    path: str
    dots: int


def project(latitude: float, longitude: float) -> tuple[int, int]:
    x = (longitude - WEST) * SHORTENING * PIXELS_PER_DEGREE + MARGIN
    y = (NORTH - latitude) * PIXELS_PER_DEGREE + MARGIN
    return round(x), round(y)


def layer(points: Iterable[tuple[float | None, float | None]]) -> Layer:
    """The (latitude, longitude) points inside Germany's frame as dots; others are left out."""
    pixels = sorted(
        {
            project(lat, lon)
            for lat, lon in points
            if lat is not None and lon is not None and SOUTH <= lat <= NORTH and WEST <= lon <= EAST
        }
    )
    return Layer("".join(f"M{x} {y}h0" for x, y in pixels), len(pixels))


def draw(
    base: Layer,
    reached: Layer,
    title: str,
    description: str,
    legend: tuple[str, str],
    ident: str = "karte",
) -> Markup:
    """The map as inline SVG: grey dots, the reached ones larger and coloured on top, a legend
    below; ``title`` and ``description`` are its text alternative."""
    height = HEIGHT + LEGEND_HEIGHT
    top = HEIGHT + 14
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart reach-map" id="{ident}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<path class="map-base" d="{base.path}" stroke="{GREY}" stroke-width="2" '
        'stroke-linecap="round" fill="none"/>',
        f'<path class="map-reached" d="{reached.path}" stroke="{REACHED}" stroke-width="5" '
        'stroke-linecap="round" fill="none"/>',
        f'<circle cx="{MARGIN + 6}" cy="{top}" r="1.5" fill="{GREY}"/>',
        f'<text x="{MARGIN + 18}" y="{top + 5}" font-family="sans-serif" font-size="13" '
        f'fill="#222222">{escape(legend[0])}</text>',
        f'<circle cx="{MARGIN + 6}" cy="{top + 22}" r="3.5" fill="{REACHED}"/>',
        f'<text x="{MARGIN + 18}" y="{top + 27}" font-family="sans-serif" font-size="13" '
        f'fill="#222222">{escape(legend[1])}</text>',
        "</svg>",
    ]
    return Markup("".join(parts))
