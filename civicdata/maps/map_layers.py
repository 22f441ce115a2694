"""The folium pieces a choropleth is built from: the compact tract layer and the panels (title, legend, source).

Both are plain Leaflet with a little HTML, CSS and JavaScript of our own, so they also work offline.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

import numpy as np
import shapely
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from civicdata.maps.web_geometry import encode_geometry


class MapPanel(MacroElement):
    """A block of HTML shown inside the map (a Leaflet control): title, legend or source line.

    Pure HTML and CSS, no external scripts, so it also works offline.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .cd-panel{background:rgba(255,255,255,.93);padding:6px 9px;border-radius:4px;
          box-shadow:0 1px 4px rgba(0,0,0,.35);font:13px/1.35 Arial,Helvetica,sans-serif;color:#111;
          max-width:320px}
        .cd-title{font-size:17px;font-weight:bold;max-width:420px}
        .cd-source{font-size:11px;max-width:460px}
        .cd-legend .cd-head{font-weight:bold;margin-bottom:3px}
        .cd-legend .cd-row{display:flex;align-items:center;gap:6px;margin:2px 0}
        .cd-legend svg.cd-sw{flex:none;width:22px;height:15px}
        .cd-legend .cd-note{font-size:11px;margin-top:4px;color:#333}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function(){
          var panel = L.control({position: {{ this.position|tojson }}});
          panel.onAdd = function () {
            var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
            div.innerHTML = {{ this.content|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
          };
          panel.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, content: str, position: str = "bottomright", css_class: str = "cd-panel"):
        super().__init__()
        self._name = "MapPanel"
        self.content = content
        self.position = position
        self.css_class = css_class


class TractLayer(Layer):
    """The tract polygons: compact data decoded in the browser, one style per tract, a tooltip.

    The data are embedded once as columns (``fields`` -> list of texts), a style number per tract
    (into ``styles``) and the polygons in encoded-polyline form (see :func:`encode_polyline`).
    A few lines of JavaScript turn them back into GeoJSON for ``L.geoJson``. No external library.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>.cd-tip table{border-collapse:collapse}.cd-tip th{text-align:left;padding-right:8px}
        .cd-tip td,.cd-tip th{font:13px/1.4 Arial,Helvetica,sans-serif}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
          var d = {{ this.payload }};
          function ring(s) {
            var pts = [], i = 0, lat = 0, lng = 0;
            while (i < s.length) {
              for (var k = 0; k < 2; k++) {
                var r = 0, sh = 0, b;
                do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
                var v = (r & 1) ? ~(r >> 1) : (r >> 1);
                if (k === 0) { lat += v; } else { lng += v; }
              }
              pts.push([lng / 1e5, lat / 1e5]);
            }
            pts.push(pts[0]);
            return pts;
          }
          var features = d.geometry.map(function (polys, i) {
            var coords = polys.map(function (rings) { return rings.map(ring); });
            var props = {};
            d.fields.forEach(function (f) { props[f] = d.columns[f][i]; });
            return {type: "Feature", id: i, properties: props, geometry: coords.length === 1 ?
              {type: "Polygon", coordinates: coords[0]} : {type: "MultiPolygon", coordinates: coords}};
          });
          function style(feature) { return d.styles[d.style[feature.id]]; }
          return L.geoJson({type: "FeatureCollection", features: features}, {
            style: style,
            onEachFeature: function (feature, layer) {
              var html = "<table>" + d.fields.map(function (f, j) {
                return "<tr><th>" + d.aliases[j] + "</th><td>" + feature.properties[f] + "</td></tr>";
              }).join("") + "</table>";
              layer.bindTooltip(html, {sticky: true, className: "cd-tip"});
              layer.on({
                mouseover: function (e) { e.target.setStyle({weight: 3, color: "#000"}); },
                mouseout: function (e) { e.target.setStyle(style(feature)); }
              });
            }
          });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, geometries, columns: dict[str, list[str]], aliases: Sequence[str],
                 styles: list[dict], style_index: Sequence[int], name: str | None = None):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "TractLayer"
        self.fields = list(columns)
        self.aliases = list(aliases)
        self.columns = columns
        self.styles = styles
        self.style_index = [int(i) for i in style_index]
        self.geometry = [encode_geometry(g) for g in geometries]
        self._bounds = shapely.total_bounds(np.asarray(geometries))

    @property
    def payload(self) -> str:
        """The data as compact, HTML-safe JSON (no ``<``, ``>``, ``&`` that could end the script)."""
        data = {"fields": self.fields, "aliases": [html.escape(a) for a in self.aliases],
                "columns": {f: [html.escape(str(v)) for v in vals] for f, vals in self.columns.items()},
                "styles": self.styles, "style": self.style_index, "geometry": self.geometry}
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        # branca renders the script once more as a Jinja template: hide "{{", "{%" and "{#" (they can
        # only occur inside strings here, e.g. in encoded polylines) behind JSON escapes.
        return text.replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023")

    def _get_self_bounds(self):
        minx, miny, maxx, maxy = self._bounds
        return [[miny, minx], [maxy, maxx]]

