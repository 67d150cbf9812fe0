"""Specification of how ``places`` reads the ``iso3166-2`` package's names: the items of a
``localOtherName`` marked ``(eng)``, an item with a comma of its own in single quotes; a
name two subdivisions share is read as neither; a names file that cannot be trusted is
written again."""

from __future__ import annotations

from pathlib import Path

import pytest

from followup import places


@pytest.mark.parametrize(
    ("others", "english", "first"),
    [
        ("Vienna (eng), Wean (bar)", ("Vienna",), "Vienna"),
        (
            "'Washington, D.C. (eng)', Washington (eng), DMV (eng), The District (eng)",
            ("Washington, D.C.", "Washington", "DMV", "The District"),
            "Washington, D.C.",
        ),
        (
            "Negeri Sarawak (msa), Bumi Kenyalang (msa), Land of the Hornbills (eng)",
            ("Land of the Hornbills",),
            None,
        ),
        (
            "Aosta Valley (eng), Val d'Aoste (ita), Val d'Aoûta (frp)",
            ("Aosta Valley",),
            "Aosta Valley",
        ),
        (
            "Carchi (eng), 'Heir of the Sun, and Earth (eng)'",
            ("Carchi", "Heir of the Sun, and Earth"),
            "Carchi",
        ),
        ("", (), None),
    ],
)
def test_the_english_names_of_a_local_other_name(
    others: str, english: tuple[str, ...], first: str | None
) -> None:
    read = places._iso_names("Name", others)
    assert (read.english, read.first) == (english, first)


def test_a_name_two_subdivisions_share_names_neither(monkeypatch: pytest.MonkeyPatch) -> None:
    """Birmingham and Manchester are both "Second City" in the ``iso3166-2`` data; the
    ``holidays`` package is made to know them as subdivisions of GB."""
    monkeypatch.setattr(places, "supported_countries", lambda: {"GB": ["BIR", "MAN", "SHF"]})
    places._iso3166_2_names.cache_clear()
    places._translated_names.cache_clear()
    monkeypatch.setattr(places, "_subdivision_aliases", lambda country: {})
    try:
        assert sorted(places.english_subdivision_codes("GB", "second city")) == ["BIR", "MAN"]
        assert places.canonical_subdivision("GB", "Second City") == "Second City"
        assert places.canonical_subdivision("GB", "steel city") == "SHF"
    finally:
        places._iso3166_2_names.cache_clear()
        places._translated_names.cache_clear()


@pytest.mark.parametrize(
    "kept",
    [
        b"",
        b"{not json",
        b'{"stamp": ["another holidays"], "names": {"DE|north rhine-westphalia": "BY"}}',
    ],
)
def test_a_names_file_unreadable_or_from_another_holidays_is_written_again(
    tmp_path: Path, kept: bytes
) -> None:
    (tmp_path / places.NAMES_FILE).write_bytes(kept)
    places._names_kept.cache_clear()
    try:
        assert places.canonical_subdivision("DE", "North Rhine-Westphalia", tmp_path) == "NW"
        places._names_kept.cache_clear()
        assert places._names_kept(tmp_path) == {"DE|north rhine-westphalia": "NW"}
    finally:
        places._names_kept.cache_clear()
