"""Save a folium map as one HTML file that works with no internet connection.

A folium map normally loads Leaflet, jQuery, Bootstrap and icon fonts from content delivery
networks (CDNs); in a library basement with no network such a map is blank. :func:`save_map`
writes the map with Leaflet's JavaScript and CSS copied into the file from an installed, pinned
Python package (``django-js-lib-leaflet``, Leaflet 1.9.4), and drops the other CDN files, which
our maps do not use (tooltips and popups are plain Leaflet; points are circles, not image icons).

Background tiles (OpenStreetMap) still need the network; make the map with ``tiles=None`` for a
file that shows everything offline.

Maps shown inside a notebook load Leaflet from a CDN too. :func:`use_local_leaflet` makes every
folium map of the session load it from the same installed package instead, so the tract shapes
show in a library room with no internet (lessons 08 and 09 call it).

Example:
    >>> leaflet_version()
    '1.9.4'
"""

from __future__ import annotations

import base64
import re
from importlib import resources
from pathlib import Path

from civicdata.core.errors import MapError, OfflineMapError
from civicdata.core.files import check_output_path, save_new_file, write_file

_PACKAGE = "js_lib_leaflet"
_STATIC = ("static", "js_lib_leaflet")

# Scripts and styles that folium adds and that our maps do not need offline (the website drops them too).
CDN_EXTRAS = ("jquery", "bootstrap", "awesome-markers", "awesome.rotate", "fontawesome", "font-awesome",
              "glyphicons")
# JavaScript that would need one of the dropped libraries.
NEEDS_CDN_EXTRAS = ("L.AwesomeMarkers", "$.ajax", "jQuery(", "bootstrap.")


def _static_file(name: str) -> bytes:
    try:
        folder = resources.files(_PACKAGE).joinpath(*_STATIC)
        return folder.joinpath(name).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as err:
        raise OfflineMapError(
            f"The Leaflet files for offline maps are missing ({_PACKAGE}/{name}).",
            hint="Reinstall the environment: make setup (it installs django-js-lib-leaflet).",
        ) from err


def leaflet_version() -> str:
    """The version of the Leaflet that :func:`save_map` inlines (read from leaflet.js itself)."""
    head = _static_file("leaflet.js")[:300].decode("utf-8", "replace")
    match = re.search(r"Leaflet (\d+\.\d+\.\d+)", head)
    return match.group(1) if match else "unknown"


def leaflet_js() -> str:
    """Leaflet's JavaScript, safe to put inside a ``<script>`` element."""
    js = _static_file("leaflet.js").decode("utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    return js.replace("</script", "<\\/script")


def leaflet_css() -> str:
    """Leaflet's CSS with its two small images (layer switcher, marker) embedded as data URIs."""
    css = _static_file("leaflet.css").decode("utf-8")

    def embed(match: re.Match) -> str:
        name = match.group(1)
        try:
            data = base64.b64encode(_static_file(f"images/{name}")).decode("ascii")
        except OfflineMapError:
            return match.group(0)
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\(images/([\w.-]+\.png)\)", embed, css)


def use_local_leaflet() -> None:
    """Make every folium map shown from now on load Leaflet from the workbook, not from a CDN.

    folium lets a program choose where ``folium.Map`` takes its scripts and styles from
    (``default_js`` / ``default_css``); this points Leaflet's at ``data:`` URLs made from the
    installed ``django-js-lib-leaflet`` files. It adds about 200 KB to each map shown. The other CDN
    files folium lists (jQuery, Bootstrap, icon fonts) are left as they are: our maps do not need
    them, and where they cannot load nothing breaks.

    Example:
        >>> import folium
        >>> cdn = folium.Map.default_js, folium.Map.default_css
        >>> use_local_leaflet()
        >>> dict(folium.Map.default_js)["leaflet"][:22]
        'data:text/javascript;b'
        >>> folium.Map.default_js, folium.Map.default_css = cdn   # back to the CDN, as folium ships
    """
    import folium

    js = "data:text/javascript;base64," + base64.b64encode(leaflet_js().encode("utf-8")).decode("ascii")
    css = "data:text/css;base64," + base64.b64encode(leaflet_css().encode("utf-8")).decode("ascii")
    folium.Map.default_js = [(name, js if name == "leaflet" else url) for name, url in folium.Map.default_js]
    folium.Map.default_css = [(name, css if name == "leaflet_css" else url) for name, url in folium.Map.default_css]


def self_contained_html(html: str) -> str:
    """Return ``html`` (a rendered folium map) with Leaflet inlined and other CDN files removed.

    Raises :class:`OfflineMapError` if the page loads another remote script or stylesheet, or uses
    a library this function removes, so a file we call "offline" really is.
    """
    def script(match: re.Match) -> str:
        src = match.group(1)
        if re.search(r"leaflet(@[\d.]+)?/dist/leaflet(\.min)?\.js|/leaflet(\.min)?\.js$", src):
            return f"<script>{leaflet_js()}</script>"
        if any(name in src.lower() for name in CDN_EXTRAS):
            return ""
        return match.group(0)

    def stylesheet(match: re.Match) -> str:
        href = match.group(1)
        if re.search(r"/leaflet(\.min)?\.css$", href):
            return f"<style>{leaflet_css()}</style>"
        if any(name in href.lower() for name in CDN_EXTRAS):
            return ""
        return match.group(0)

    html = re.sub(r'<script src="(https?://[^"]+)"></script>', script, html)
    html = re.sub(r'<link rel="stylesheet" href="(https?://[^"]+)"\s*/?>', stylesheet, html)
    remaining = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
    if remaining:
        raise OfflineMapError(
            "This map loads files from the internet that cannot be bundled: " + ", ".join(remaining),
            hint="Use a map made with civicdata.choropleth_map (plugins may need the network), "
                 "or save with self_contained=False.",
        )
    used = [name for name in NEEDS_CDN_EXTRAS if name in html]
    if used:
        raise OfflineMapError(
            f"This map uses {', '.join(used)}, which an offline file does not include.",
            hint="Use CircleMarker instead of Marker icons, or save with self_contained=False.",
        )
    return html


def save_map(m, path: str | Path, self_contained: bool = True, overwrite: bool = False) -> Path:
    """Write folium map ``m`` to ``path`` as HTML; by default a file that renders with no network.

    An existing file is never replaced unless ``overwrite=True``: the map then goes to the next free
    name (``map-2.html``...), and the path actually written is returned.

    With ``self_contained=True`` Leaflet (JS and CSS) is copied into the file from the installed
    ``django-js-lib-leaflet`` package and folium's other CDN files (jQuery, Bootstrap, icon fonts,
    awesome-markers) are left out. Background tiles still need the network: make the map with
    ``tiles=None`` to avoid them. Returns the path written.

    Example:
        >>> import folium, tempfile, pathlib
        >>> out = save_map(folium.Map(tiles=None), pathlib.Path(tempfile.mkdtemp()) / "map.html")
        >>> "cdn.jsdelivr.net" in out.read_text(encoding="utf-8")
        False
    """
    if not callable(getattr(m, "get_root", None)):
        raise MapError(f"save_map saves a folium map, not {type(m).__name__}.",
                       hint="Pass the map that choropleth_map(...) returned: save_map(m, 'my-work/map.html'). "
                       "For a matplotlib figure use save_figure(fig, 'map.png').")
    path = check_output_path(path)  # before rendering: a folder, a missing folder, a read-only disk
    if path.suffix.lower() not in (".html", ".htm"):
        raise MapError(f"A web map is saved as an .html file, not {path.suffix or 'a name without extension'}.",
                       hint=f"End the name with .html, e.g. {path.with_suffix('.html').name}.")
    html = m.get_root().render()
    if self_contained:
        html = self_contained_html(html)
    if not overwrite:
        return save_new_file(html, path)
    return write_file(html, path)
