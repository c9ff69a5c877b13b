"""The map in a standalone HTML page: the SVG inline, CSS and a few lines of script inline, nothing fetched.

The page's Content-Security-Policy allows no source at all but its own inline
style and script, so even a county or initiative name that slipped through
escaping could not load anything. Hovering (or focusing) a county shows its
tooltip text under the map; the script reads it with textContent, never as HTML.
The page is also well-formed XML (every element closed, no `<` or `&` in the
style or the script), so an XML parser reads it as well as a browser does.
"""
from __future__ import annotations

from kg.export.xmldoc import text
from kg.map import svg
from kg.map.scene import Scene

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
STYLE = """
body { margin: 0; padding: 16px; font-family: sans-serif; color: #222; background: #fff; }
figure { margin: 0; }
.kgmap { max-width: 100%; height: auto; }
.kgmap-counties path:hover, .kgmap-counties path:focus { stroke: #000; stroke-width: 12; outline: none; }
figcaption { min-height: 1.4em; margin-top: 4px; font-size: 15px; }
"""
SCRIPT = """
(function () {
  var caption = document.getElementById("kgmap-hover");
  document.querySelectorAll(".kgmap-counties path").forEach(function (p) {
    p.setAttribute("tabindex", "0");
    var show = function () { var t = p.querySelector("title"); caption.textContent = t ? t.textContent : ""; };
    p.addEventListener("mouseenter", show);
    p.addEventListener("focus", show);
  });
})();
"""


def render(scene: Scene) -> str:
    title = svg.clean(scene.title) or "Counties of the graph"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-Hans">',
        "<head>",
        '<meta charset="utf-8"/>',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        f"<title>{text(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<figure>",
        svg.render(scene, inline=True).rstrip("\n"),
        '<figcaption id="kgmap-hover" aria-live="polite"></figcaption>',
        "</figure>",
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ])
