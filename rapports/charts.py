"""The report's charts: matplotlib SVG, text kept as text, readable in grey and by colour-blind readers.

Each function takes the figures already computed by the data apps and returns a `data:` URI (the CSP allows
images from `data:`; WeasyPrint reads it without any fetch). Colours are the Okabe–Ito palette, ordered so
that neighbours differ in lightness, and every series also has its own hatch or marker, so that a grey print
still tells them apart.

A chart is drawn once per state of what it shows: `bar_chart` and `line_chart` keep their image in Django's
cache under a key made of every argument, this module's source and matplotlib's version, so a key can never
name a stale image and nothing has to invalidate it.
"""

import base64
import functools
import hashlib
import io
import textwrap
from decimal import Decimal
from importlib import metadata
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
# Labels are plain text (region, site and indicator names typed by users): a "$" must not start mathtext,
# which would draw something else or raise on a malformed formula.
matplotlib.rcParams["text.parse_math"] = False

from django.core.cache import cache  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402 — the backend is chosen before matplotlib draws anything
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from caisses.numbers import format_nombre  # noqa: E402

# Okabe–Ito, dark / light alternating.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442")
HATCHES = ("", "///", "...", "xx", "\\\\", "oo", "--", "++")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", "-", "--", "-.", ":")

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "rapport",  # stable element ids: the same figures give the same SVG
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.8,
    "text.parse_math": False,  # plain-text labels, even if another module changed the global rcParams
}


_STYLE = hashlib.sha256(Path(__file__).read_bytes() + metadata.version("matplotlib").encode()).hexdigest()[:16]
CACHE_TIMEOUT = 24 * 3600


def _frozen(value):
    """The argument as nested tuples of plain values, so that its repr names it exactly (a generator or an
    object whose repr hides its content would make two different charts share a key)."""
    if isinstance(value, list | tuple | range):
        return tuple(_frozen(item) for item in value)
    if value is None or isinstance(value, str | int | float | Decimal):
        return value
    if hasattr(value, "__iter__"):
        return tuple(_frozen(item) for item in value)
    raise TypeError(f"valeur de graphique inattendue : {type(value).__name__}")


def _kept(draw):
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        args = _frozen(args)
        kwargs = {name: _frozen(value) for name, value in kwargs.items()}
        signature = repr((draw.__name__, args, sorted(kwargs.items()), _STYLE))
        key = "graphique:" + hashlib.sha256(signature.encode()).hexdigest()
        image = cache.get(key)
        if image is None:
            image = draw(*args, **kwargs)
            cache.set(key, image, CACHE_TIMEOUT)
        return image

    return wrapper


def _tick(value, decimals):
    """A tick as short as it is exact: 0 ; 0,25 ; 1,5 (never 0,3 for 0,25)."""
    for places in range(decimals + 2):
        if abs(round(value, places) - value) < 1e-9:
            return format_nombre(value, places)
    return format_nombre(value, decimals + 1)


def _french(decimals=0):
    return FuncFormatter(lambda value, _pos: format_nombre(value, decimals))


def _to_data_uri(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _new_figure(width=6.4, height=3.2):
    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot()


def _wrap(label, width=24):
    """Long category names on several lines, so that the plot keeps its width."""
    return "\n".join(textwrap.wrap(label, width)) or label


def _float(value):
    return float(value) if value is not None else 0.0


@_kept
def bar_chart(categories, series, ylabel="", horizontal=False):
    """Grouped bars: `series` is [(label, [value per category])]. Missing values are drawn as 0."""
    with matplotlib.rc_context(RC):
        height = max(2.6, 0.45 * len(categories) * max(1, len(series)) * 0.6 + 1) if horizontal else 3.2
        fig, ax = _new_figure(height=height)
        count = max(1, len(series))
        width = 0.8 / count
        positions = range(len(categories))
        for index, (label, values) in enumerate(series):
            offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
            style = {
                "label": label,
                "color": PALETTE[index % len(PALETTE)],
                "hatch": HATCHES[index % len(HATCHES)],
                "edgecolor": "#222222",
                "linewidth": 0.6,
            }
            if horizontal:
                ax.barh(offsets, [_float(v) for v in values], height=width, **style)
            else:
                ax.bar(offsets, [_float(v) for v in values], width=width, **style)
        value_axis, category_axis = (ax.xaxis, ax.yaxis) if horizontal else (ax.yaxis, ax.xaxis)
        value_axis.set_major_formatter(_french())
        value_axis.set_major_locator(MaxNLocator(integer=True))
        category_axis.set_ticks(list(positions), labels=[_wrap(c) for c in categories])
        if horizontal:
            ax.invert_yaxis()
            ax.set_xlabel(ylabel)
        else:
            ax.set_ylabel(ylabel)
        if len(series) > 1:
            ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
        ax.grid(axis="x" if horizontal else "y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        return _to_data_uri(fig)


@_kept
def line_chart(years, series, ylabel="", decimals=0):
    """One line per series over the years: `series` is [(label, [value per year])]; None leaves a gap."""
    with matplotlib.rc_context(RC):
        fig, ax = _new_figure()
        for index, (label, values) in enumerate(series):
            ax.plot(
                years,
                [float(v) if v is not None else float("nan") for v in values],
                label=label,
                color=PALETTE[index % len(PALETTE)],
                marker=MARKERS[index % len(MARKERS)],
                linestyle=LINESTYLES[index % len(LINESTYLES)],
                linewidth=1.6,
            )
        ax.set_xticks(list(years), labels=[str(y) for y in years])
        ax.yaxis.set_major_formatter(_french(decimals))
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.legend(frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1, 0.5))
        return _to_data_uri(fig)


@_kept
def ratio_chart(categories, values, xlabel="", national=None, mediane=None, quartiles=None, provisoires=(), decimals=1):
    """One ratio by region, bars sorted as given, with the reference marks a reviewer reads them against.

    national: the France entière value (solid line); mediane: dashed line; quartiles: (Q1, Q3) shaded band;
    provisoires: indexes of regions whose report is not transmitted (lighter bars, hatched). A missing value
    draws no bar.
    """
    with matplotlib.rc_context(RC):
        fig, ax = _new_figure(height=max(2.4, 0.32 * len(categories) + 1.2))
        positions = list(range(len(categories)))
        provisoires = set(provisoires)
        colours = ["#56B4E9" if index in provisoires else PALETTE[0] for index in positions]
        hatches = ["///" if index in provisoires else "" for index in positions]
        bars = ax.barh(
            positions, [_float(v) for v in values], height=0.7, color=colours, edgecolor="#222222", linewidth=0.5
        )
        for bar, hatch, value in zip(bars, hatches, values, strict=True):
            bar.set_hatch(hatch)
            if value is None:
                bar.set_visible(False)
        if quartiles is not None and None not in quartiles:
            ax.axvspan(float(quartiles[0]), float(quartiles[1]), color="#E69F00", alpha=0.18, label="1er – 3e quartile")
        if mediane is not None:
            ax.axvline(float(mediane), color="#D55E00", linestyle="--", linewidth=1.4, label="Médiane")
        if national is not None:
            ax.axvline(float(national), color="#000000", linestyle="-", linewidth=1.4, label="France entière")
        ax.set_yticks(positions, labels=[_wrap(c, 30) for c in categories], fontsize=8)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _tick(value, decimals)))
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
        return _to_data_uri(fig)


@_kept
def small_line_chart(years, values, reference=None, decimals=0, ymax=None):
    """A small multiple: one series over the years (None leaves a gap), and the nation's dashed for reference;
    `ymax` the same for every multiple, so that their heights compare."""
    with matplotlib.rc_context(RC):
        fig, ax = _new_figure(width=2.8, height=1.7)
        if reference is not None:
            ax.plot(years, [_nan(v) for v in reference], color="#777777", linestyle="--", linewidth=1, label="France")
        ax.plot(years, [_nan(v) for v in values], color=PALETTE[0], marker="o", markersize=2.5, linewidth=1.6)
        ax.set_xticks([years[0], years[-1]], labels=[str(years[0]), str(years[-1])], fontsize=7)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=3))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _tick(value, decimals)))
        ax.tick_params(axis="y", labelsize=7)
        ax.set_ylim(bottom=0, top=float(ymax) if ymax else None)
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        return _to_data_uri(fig)


def _nan(value):
    return float(value) if value is not None else float("nan")
