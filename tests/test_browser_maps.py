"""A real browser opens a saved, self-contained map from disk with the network blocked.

Headless Chromium (Debian's package; ``make browser`` installs it) is driven by Playwright. The
test proves the tracts were drawn (palette-coloured pixels in a screenshot) and that hovering a
tract shows its "estimate ± MOE" tooltip. Without Chromium the test is skipped on a laptop, but
fails in CI (``CI`` set), so the check cannot silently disappear there.
"""

from __future__ import annotations

import io
import os
import shutil
import time

import numpy as np
import pytest

from civicdata.maps.choropleth import choropleth_map
from civicdata.maps.classification import palette
from civicdata.maps.offline import save_map, use_local_leaflet

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed, but CI must run the browser test (run `make browser`).",
                    pytrace=False)
    pytest.skip("Chromium is not installed (sudo apt-get install chromium, or `make browser` as root); "
                "the browser map test runs in CI.", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def income_map(income_tracts):
    # tiles=None: nothing needs the network; fill_opacity=1: pixels carry the exact palette colours
    return choropleth_map(income_tracts, "B19013_001E", label="Median household income", tiles=None, fill_opacity=1.0)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def open_offline(browser, path):
    """Open ``path`` with every non-file request aborted; return the page and the blocked URLs."""
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    blocked: list[str] = []
    errors: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith("file:"):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(path.as_uri())
    return page, blocked, errors


def palette_pixels(png: bytes) -> dict[str, int]:
    """How many screenshot pixels have each palette colour (within 2 levels per channel)."""
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    counts = {}
    for color in palette(5):
        rgb = np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])
        counts[color] = int((np.abs(pixels - rgb).max(axis=2) <= 2).sum())
    return counts


def test_self_contained_map_draws_tracts_and_shows_tooltips_offline(browser, income_map, tmp_path):
    started = time.perf_counter()
    path = save_map(income_map, tmp_path / "income.html")
    page, blocked, errors = open_offline(browser, path)
    page.wait_for_selector("path.leaflet-interactive", timeout=10_000)
    assert page.locator("path.leaflet-interactive").count() >= 240

    counts = palette_pixels(page.screenshot())
    total = 1000 * 800
    assert all(n > 200 for n in counts.values()), counts  # every class colour was painted
    assert sum(counts.values()) > 0.15 * total, counts  # the tracts cover a good part of the map

    # Hover tracts (class-coloured, i.e. reliable) until a tooltip appears: the centre of a
    # polygon's bounding box is not always inside it, so try a few.
    tooltip_text = ""
    candidates = page.locator("path.leaflet-interactive[fill^='#']")
    for i in range(min(candidates.count(), 25)):
        box = candidates.nth(i).bounding_box()
        if not box or box["width"] < 8 or box["height"] < 8:
            continue
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tooltip = page.locator(".leaflet-tooltip")
        try:
            tooltip.first.wait_for(state="visible", timeout=1_500)
        except sync_api.TimeoutError:
            continue
        tooltip_text = tooltip.first.inner_text()
        if "±" in tooltip_text:
            break
    assert "Census Tract" in tooltip_text
    assert "±" in tooltip_text and "$" in tooltip_text
    assert "Reliability" in tooltip_text

    assert blocked == [], f"the offline map tried to load: {blocked}"
    assert errors == []
    legend = page.locator(".cd-legend").inner_text()
    assert "Unreliable: CV over 40%" in legend and "No estimate" in legend
    print(f"\nbrowser check took {time.perf_counter() - started:.1f} s")


def test_cdn_map_is_blank_offline_so_the_check_means_something(browser, income_map, tmp_path):
    path = save_map(income_map, tmp_path / "cdn.html", self_contained=False)
    page, blocked, _ = open_offline(browser, path)
    page.wait_for_timeout(1_000)
    assert any("leaflet" in url for url in blocked)
    assert sum(palette_pixels(page.screenshot()).values()) == 0


def test_map_shown_in_a_notebook_draws_offline_with_local_leaflet(browser, income_map, tmp_path, monkeypatch):
    """What JupyterLab shows for a map cell (folium's iframe) works with no internet after use_local_leaflet."""
    import folium

    monkeypatch.setattr(folium.Map, "default_js", list(folium.Map.default_js))  # restored after the test
    monkeypatch.setattr(folium.Map, "default_css", list(folium.Map.default_css))
    use_local_leaflet()
    path = tmp_path / "notebook-output.html"
    path.write_text(f"<html><body>{income_map._repr_html_()}</body></html>", encoding="utf-8")
    page, blocked, _ = open_offline(browser, path)
    tracts = page.frame_locator("iframe").locator("path.leaflet-interactive")
    tracts.first.wait_for(timeout=10_000)
    assert tracts.count() >= 240
    assert not [url for url in blocked if url.endswith(("/leaflet.js", "/leaflet.css"))], blocked
    assert sum(palette_pixels(page.screenshot()).values()) > 0.05 * 1000 * 800
