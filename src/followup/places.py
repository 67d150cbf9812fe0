"""Country and subdivision codes as people type them, and their names.

The codes are those the ``holidays`` package knows (ISO 3166-1 alpha-2, its alpha-3
aliases, and ISO 3166-2 subdivision codes, plus a few of its own such as ``Zone A`` for
France). People type them in any case (``us``, ``ca``) and sometimes type a name instead
(``Germnay``): :func:`canonical_place` gives the stored spelling, and :func:`suggest_country`
the codes a mistyped name or code was probably meant to be.

Names: a country's is its English name in the Unicode CLDR (through Babel, imported only
when names are asked for), else the ``holidays`` class name with spaces; a subdivision's is
its English name where the ISO 3166-2 English translations of Debian's iso-codes (through
pycountry) give one ("Bavaria"), followed by the names the ``holidays`` package gives for
it (``get_subdivision_aliases``), which are in the country's own language ("Bayern").
Those English names are also read as a last resort when a typed subdivision is none of the
``holidays`` package's codes, aliases or names; pycountry is imported only then, and by
``countries``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import NamedTuple

from followup.business_days import known_places, supported_countries


class CountryEntry(NamedTuple):
    """One country as ``followup countries`` shows it: its code, name, and subdivisions
    as (code, name) pairs (see :func:`subdivision_names`)."""

    code: str
    name: str
    subdivisions: tuple[tuple[str, str], ...]


def canonical_country(text: str | None) -> str | None:
    """``text`` stripped, and upper-cased when it is written like a country code: two or
    three ASCII letters (ISO 3166-1 alpha-2 or alpha-3; every code of the ``holidays``
    package is one, in upper case: ``us`` -> ``US``, ``deu`` -> ``DEU``). Anything else (a
    name, a mistyped name) is kept as typed, so that the check of the place names the value
    the user typed (``Germnay``, not ``GERMNAY``). Imports nothing: config loading uses it."""
    if text is None:
        return None
    text = text.strip()
    return text.upper() if _CODE.fullmatch(text) else text


_CODE = re.compile(r"[A-Za-z]{2,3}")


def canonical_subdivision(
    country: str | None, text: str | None, cache: Path | None = None
) -> str | None:
    """The known spelling of the subdivision ``text`` of ``country`` whatever its case
    and with or without the country in front as followup prints it (``ca`` -> ``CA``,
    ``de-by`` -> ``BY``, ``zone a`` -> ``Zone A``), or the code of the subdivision it is
    another name of in the ``holidays`` package (``jhr``, ``Johor`` -> ``01``; ``bayern``
    -> ``BY``); ``text`` as given when it names none, so
    that the check of the place reports it. With ``cache`` (the folder of
    :class:`~followup.business_days.KnownDays`), the subdivisions of the places kept there
    are looked at first, without importing ``holidays``."""
    if text is None:
        return None
    text = text.strip()
    prefix = f"{country}-" if country else ""
    if prefix and len(text) > len(prefix) and text[: len(prefix)].upper() == prefix:
        text = text[len(prefix) :]  # the code as followup prints it: DE-BY
    if cache is not None:
        for known_country, kept in known_places(cache):
            if known_country == country and kept and kept.casefold() == text.casefold():
                return kept
    known = supported_countries().get(country or "", [])
    folded = {code.casefold(): code for code in known}
    if text.casefold() in folded:
        return folded[text.casefold()]
    aliases = _subdivision_aliases(country) if known and country else {}
    if text.casefold() in aliases or not (known and country):
        return aliases.get(text.casefold(), text)
    english = {name.casefold(): code for code, name in english_subdivision_names(country).items()}
    return english.get(text.casefold(), text)


@functools.lru_cache(maxsize=16)
def english_subdivision_names(country: str) -> dict[str, str]:
    """Subdivision code (as the ``holidays`` package spells it) -> English name, for the
    subdivisions whose ISO 3166-2 name has an English translation in Debian's iso-codes
    (shipped by pycountry): ``DE`` -> ``{"BY": "Bavaria"}``. Few subdivisions have one; a
    subdivision without one is left out. Imports pycountry."""
    import gettext

    import pycountry

    codes = {code.casefold(): code for code in supported_countries().get(country, [])}
    english = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"])
    names = {}
    for entry in pycountry.subdivisions:
        prefix, _, own = entry.code.partition("-")
        code = codes.get(own.casefold()) if prefix == country else None
        translated = english.gettext(entry.name)
        if code and translated != entry.name:
            names[code] = translated
    return names


@functools.lru_cache(maxsize=16)
def _subdivision_aliases(country: str) -> dict[str, str]:
    """Every other name the ``holidays`` package knows a subdivision of ``country`` by
    (Malaysia's ``JHR`` and ``Johor`` for ``01``, Germany's ``Bayern`` for ``BY``), folded
    to lower case -> the code."""
    import holidays

    found: dict[str, str] = {}
    for code, names in holidays.country_holidays(country).get_subdivision_aliases().items():
        for name in names:
            found.setdefault(name.casefold(), code)
    return found


def canonical_place(
    country: str | None, subdivision: str | None, cache: Path | None = None
) -> tuple[str | None, str | None]:
    """The stored spelling of a country and subdivision as typed (see above)."""
    country = canonical_country(country)
    return country, canonical_subdivision(country, subdivision, cache)


def subdivision_names(country: str) -> dict[str, str]:
    """Subdivision code -> its English name where known, else its first name in the
    ``holidays`` package, with its other names ("Johor (also JHR)", "Bavaria (also
    Bayern)"); a subdivision the package names by its code alone (Germany's ``Augsburg``)
    is named by that code, so that no line of ``countries`` lacks either."""
    import holidays

    codes = supported_countries().get(country, [])
    if not codes:
        return {}
    aliases = holidays.country_holidays(country).get_subdivision_aliases()
    english = english_subdivision_names(country)
    names = {}
    for code in codes:
        first, *others = aliases.get(code) or [code]
        if code in english and english[code] != first:
            first, others = english[code], [first, *others]
        names[code] = first + (f" (also {', '.join(others)})" if others else "")
    return names


def entries(text: str | None = None) -> list[CountryEntry]:
    """Every supported country with its subdivisions, in code order; with ``text``, only
    those whose code or name contains it (any case), and for a country matched by one of
    its subdivisions, only the matching subdivisions."""
    needle = (text or "").strip().casefold()
    found = []
    for code, name in sorted(country_names().items()):
        subs = tuple(subdivision_names(code).items())
        if needle and needle not in code.casefold() and needle not in name.casefold():
            subs = tuple(
                (c, n) for c, n in subs if needle == c.casefold() or needle in n.casefold()
            )
            if not subs:
                continue
        found.append(CountryEntry(code, name, subs))
    return found


def country_names() -> dict[str, str]:
    """Country code -> English name (see :func:`followup.country_names.country_names`)."""
    from followup import country_names as names

    return names.country_names()


def suggest_country(text: str) -> list[str]:
    """The countries a mistyped code or name probably meant (see
    :func:`followup.country_names.suggest_country`)."""
    from followup import country_names as names

    return names.suggest_country(text)
