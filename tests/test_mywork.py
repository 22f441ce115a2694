"""A learner's own files are never replaced: maps, posters, profiles and tables get a free name."""

from __future__ import annotations

import folium

from civicdata.core.files import save_new_file
from civicdata.maps.offline import save_map


def test_a_different_file_is_kept_and_the_new_one_gets_the_next_free_name(tmp_path):
    mine = tmp_path / "notes.txt"
    mine.write_text("my own notes")
    written = save_new_file("generated", mine)
    assert mine.read_text() == "my own notes"
    assert written.name == "notes-2.txt" and written.read_text() == "generated"


def test_the_same_content_is_not_copied_again(tmp_path):
    first = save_new_file(b"same", tmp_path / "a.bin")
    assert save_new_file(b"same", tmp_path / "a.bin") == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]


def test_save_map_never_replaces_an_edited_map(tmp_path):
    target = tmp_path / "map.html"
    target.write_text("<p>a map I annotated by hand</p>")
    written = save_map(folium.Map(tiles=None), target)
    assert target.read_text() == "<p>a map I annotated by hand</p>"
    assert written.name == "map-2.html"
    assert save_map(folium.Map(tiles=None), target, overwrite=True) == target
    assert "leaflet" in target.read_text().lower()
