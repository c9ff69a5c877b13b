"""A scene (kg.map.scene) as a PNG, drawn with Pillow: the same polygons, colours and legend as the SVG.

Pillow is an optional extra (`pip install 'county-kg[png]'`), so the core
install stays light; without it `render` raises MissingExtra, one line that
names the extra. Polygons are drawn at twice the size and scaled down
(Lanczos) for smooth edges; a polygon with holes goes through a mask so an
enclave keeps its own colour. Pillow's own font has no Chinese characters: a
CJK font of the system (Noto Sans CJK, WenQuanYi, Source Han, PingFang, YaHei;
`fc-match` where fontconfig is installed) draws the title and the legend's
heading; without one, text that needs it is left out and `cjk_font()` says so.
"""
from __future__ import annotations

import io
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from kg.map import svg
from kg.map.scene import DOT_RADIUS, LEGEND_ROW, Scene

SUPERSAMPLE = 2
_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSansSC-Regular.otf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


class MissingExtra(ImportError):
    """Pillow is not installed."""


def require() -> None:
    """Raise MissingExtra now when Pillow is not installed (before any work is done for a PNG)."""
    _pillow()


def _pillow():
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        raise MissingExtra("a PNG map needs Pillow: pip install 'county-kg[png]' (or write .svg or .html)") from None
    return Image, ImageDraw, ImageFont


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The path of a font with Chinese characters, or None when the system has none."""
    for path in _FONTS:
        if Path(path).is_file():
            return path
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True,
                                   timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
        if found and Path(found).is_file() and Path(found).suffix.lower() in (".ttf", ".ttc", ".otf"):
            # fc-match answers with its best font even when none has the language: check a character
            try:
                _, _, ImageFont = _pillow()
                if ImageFont.truetype(found, 12).getmask("县").getbbox():
                    return found
            except OSError:
                return None
    return None


def _font(size: int, needed: str):
    """A font of `size` px that can draw `needed`, or None."""
    _, _, ImageFont = _pillow()
    if needed.isascii():
        return ImageFont.load_default(size)
    path = cjk_font()
    return ImageFont.truetype(path, size) if path else None


def _fill(image, draw, polygons, colour, outline, width: int, s: float) -> None:
    from PIL import Image, ImageDraw

    for poly in polygons:
        ext = [(x * s, y * s) for x, y in poly[0]]
        if len(poly) == 1:
            draw.polygon(ext, fill=colour)
        else:  # holes: fill through a mask of the polygon's box, so what lies in a hole keeps its colour
            xs, ys = [x for x, _ in ext], [y for _, y in ext]
            x0, y0 = int(min(xs)), int(min(ys))
            box = (int(max(xs)) + 2 - x0, int(max(ys)) + 2 - y0)
            mask = Image.new("L", box, 0)
            md = ImageDraw.Draw(mask)
            md.polygon([(x - x0, y - y0) for x, y in ext], fill=255)
            for hole in poly[1:]:
                md.polygon([(x * s - x0, y * s - y0) for x, y in hole], fill=0)
            image.paste(colour, (x0, y0, x0 + box[0], y0 + box[1]), mask)
        if outline is not None:
            for ring in poly:
                pts = [(x * s, y * s) for x, y in ring]
                draw.line(pts + pts[:1], fill=outline, width=width)


def _frame(image, draw, scene: Scene, provinces, areas_of, s: float) -> None:
    blank = _hex(scene.scale.colour(None))
    for p in provinces:
        _fill(image, draw, p, blank, None, 0, s)
    county_line, valued_line = _hex(svg.COUNTY_STROKE), _hex(svg.VALUED_STROKE)
    for area, polygons, dot in areas_of:
        valued = area.value is not None
        if polygons:
            _fill(image, draw, polygons, _hex(area.fill), valued_line if valued else county_line,
                  max(1, round(s * (1.2 if valued else 0.5))), s)
        if dot is not None:
            x, y, r = dot[0] * s, dot[1] * s, DOT_RADIUS * s
            draw.ellipse((x - r, y - r, x + r, y + r), fill=_hex(area.fill), outline=valued_line, width=max(1, round(s)))
    line = _hex(svg.PROVINCE_STROKE)
    for p in provinces:
        for poly in p:
            for ring in poly:
                pts = [(x * s, y * s) for x, y in ring]
                draw.line(pts + pts[:1], fill=line, width=max(1, round(s * 0.8)), joint="curve")


def _areas(scene: Scene, inset: bool):
    for a in scene.areas:
        polygons = a.inset if inset else a.polygons
        dot = a.dot if a.dot is not None and a.dot_in_inset == inset else None
        if polygons or dot is not None:
            yield a, polygons, dot


def _text(draw, xy, words: str, size: int, s: float, fill="#333333", anchor="la") -> bool:
    font = _font(round(size * s), words)
    if font is None:
        return False
    draw.text((xy[0] * s, xy[1] * s), words, font=font, fill=fill, anchor=anchor)
    return True


def render(scene: Scene) -> bytes:
    """PNG bytes of `scene`, `scene.width` by `scene.height` px."""
    Image, ImageDraw, _ = _pillow()
    s = SUPERSAMPLE
    image = Image.new("RGB", (scene.width * s, scene.height * s), "white")
    draw = ImageDraw.Draw(image)
    _frame(image, draw, scene, scene.provinces, _areas(scene, inset=False), s)
    ix, iy, iw, ih = scene.inset_box
    box = (round(ix * s), round(iy * s), round((ix + iw) * s), round((iy + ih) * s))
    inset = Image.new("RGB", image.size, "white")  # drawn whole, pasted through the inset's box: a clip
    _frame(inset, ImageDraw.Draw(inset), scene, scene.inset_provinces, _areas(scene, inset=True), s)
    image.paste(inset.crop(box), box[:2])
    draw.rectangle(box, outline=_hex(svg.PROVINCE_STROKE), width=max(1, round(s * 0.6)))
    _text(draw, (ix + iw - 4, iy + ih - 5), svg.INSET_CAPTION, 9, s, fill="#666666", anchor="rs")
    if scene.title:
        _text(draw, (12, 30), svg.clean(scene.title), 18, s, fill="#222222", anchor="ls")
    x, y = scene.legend_at
    _text(draw, (x, y + 12), svg.clean(scene.scale.title), 12, s, anchor="ls")
    for i, (colour, label) in enumerate(scene.scale.legend):
        ry = y + (i + 1) * LEGEND_ROW
        draw.rectangle((x * s, (ry + 1) * s, (x + 16) * s, (ry + 13) * s), fill=_hex(colour),
                       outline=_hex(svg.PROVINCE_STROKE), width=max(1, round(s * 0.6)))
        _text(draw, (x + 22, ry + 11.5), svg.clean(label), 12, s, anchor="ls")
    _text(draw, (x, scene.height - 12), svg.clean(scene.credit), 9, s, fill="#888888", anchor="ls")
    image = image.resize((scene.width, scene.height), Image.LANCZOS)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def missing_text(scene: Scene) -> list[str]:
    """The texts of `scene` that this system cannot draw (Chinese without a CJK font)."""
    texts = [scene.title, scene.scale.title]
    return [t for t in texts if t and not t.isascii() and cjk_font() is None]
