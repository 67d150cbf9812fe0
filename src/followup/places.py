"""Country and subdivision codes as people type them, and their names.

The codes are those the ``holidays`` package knows (ISO 3166-1 alpha-2, its alpha-3
aliases, and ISO 3166-2 subdivision codes, plus a few of its own such as ``Zone A`` for
France). People type them in any case (``us``, ``ca``) and sometimes type a name instead
(``Germnay``): :func:`canonical_place` gives the stored spelling, and :func:`suggest_country`
the codes a mistyped name or code was probably meant to be.

Names: a country's is its English name in the Unicode CLDR (through Babel, imported only
when names are asked for), else the ``holidays`` class name with spaces; a subdivision's is
its English name where there is one (:func:`english_subdivision_names`: "Bavaria", "Vienna"),
followed by the names the ``holidays`` package gives for it (``get_subdivision_aliases``),
which are in the country's own language ("Bayern"). A typed subdivision that is none of the
``holidays`` package's codes, aliases or names is looked up, as a last resort, by its
ISO 3166-2 name and its English names (:func:`english_subdivision_codes`, from the
``iso3166-2`` package and Debian's iso-codes through pycountry); those are imported only
then, and by ``countries``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple

from followup.business_days import holidays_stamp, known_places, supported_countries


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
    (and, for a name, its accents: :func:`fold`) and with or without the country in front
    as followup prints it (``ca`` -> ``CA``, ``de-by`` -> ``BY``, ``zone a`` -> ``Zone
    A``), or the code of the subdivision it is another name of in the ``holidays`` package
    (``jhr``, ``Johor`` -> ``01``; ``bayern`` -> ``BY``), or, as a last resort, by its
    ISO 3166-2 or English name (:func:`english_subdivision_codes`: ``Vienna`` -> ``9``);
    ``text`` as given when it names none or several, so that the check of the place
    reports it. With ``cache`` (the folder of
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
        if (kept := _names_kept(cache).get(f"{country}|{fold(text)}")) is not None:
            return kept
    known = supported_countries().get(country or "", [])
    folded = {code.casefold(): code for code in known}
    if text.casefold() in folded:
        return folded[text.casefold()]
    aliases = _subdivision_aliases(country) if known and country else {}
    if fold(text) in aliases or not (known and country):
        code = aliases.get(fold(text))
    else:
        named = english_subdivision_codes(country, text)
        code = named[0] if len(named) == 1 else None
    if code is not None and cache is not None:
        _keep_name(cache, f"{country}|{fold(text)}", code)
    return text if code is None else code


#: The file, in the cache folder of :class:`~followup.business_days.KnownDays`, that keeps
#: the subdivision names read so far (``"DE|north rhine-westphalia"`` -> ``"NW"``), so that
#: a config naming its subdivision by name is read without importing ``holidays``,
#: ``iso3166-2`` and pycountry (0.1 s for a listing instead of 0.6 s).
NAMES_FILE = "subdivision-names.json"


@functools.lru_cache(maxsize=4)
def _names_kept(cache: Path) -> dict[str, str]:
    """The names kept in :data:`NAMES_FILE` for the installed ``holidays`` (empty when the
    file is missing, unreadable or from another ``holidays``)."""
    import json

    try:
        data = json.loads((cache / NAMES_FILE).read_text(encoding="utf-8"))
        if data["stamp"] != holidays_stamp() or not isinstance(data["names"], dict):
            return {}
        return {str(k): str(v) for k, v in data["names"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _keep_name(cache: Path, key: str, code: str) -> None:
    """Add ``key`` -> ``code`` to :data:`NAMES_FILE` (written whole, atomically); a file
    that cannot be written is left as it is: the name is only read again next time."""
    import contextlib
    import json

    from followup.ownfiles import write_file

    names = _names_kept(cache)
    if names.get(key) == code:
        return
    names[key] = code
    data = {"stamp": holidays_stamp(), "names": names}
    with contextlib.suppress(OSError):
        write_file(cache / NAMES_FILE, json.dumps(data, ensure_ascii=False).encode(), sync=False)


@functools.lru_cache(maxsize=16)
def english_subdivision_names(country: str) -> dict[str, str]:
    """Subdivision code (as the ``holidays`` package spells it) -> the one English name
    ``countries`` shows for it, for the subdivisions that have one besides their own names:
    ``DE`` -> ``{"BY": "Bavaria", "NW": "North Rhine-Westphalia", ...}``.

    The name is the English translation of the ISO 3166-2 name in Debian's iso-codes
    (through pycountry) where there is one: few, but chosen by hand ("Rome" for IT-RM).
    Else, in a country where English is not an official language (CLDR, through Babel), the
    English name the ``iso3166-2`` package lists first, when it is the first of all the
    subdivision's other names (a translation: "Vienna (eng), Wean (bar)"; nicknames and
    formal names come after the local ones: "Negeri Sarawak (msa), ..., Land of the
    Hornbills (eng)"), is not one of the names it already has nor a longer form of one
    ("Free and Hanseatic City of Hamburg"), and does not start with "The". In an
    English-speaking country the package's English names are nicknames ("The Golden State"),
    read (:func:`english_subdivision_codes`) but not shown. Imports pycountry, iso3166-2 and
    Babel."""
    from babel.languages import get_official_languages

    translated = _translated_names(country)
    english_speaking = "en" in get_official_languages(country, de_facto=True)
    own = _own_names(country)
    names = {}
    for code, iso in _iso3166_2_names(country).items():
        if code in translated:
            names[code] = translated[code]
        elif iso.first and not english_speaking:
            had = [name.casefold() for name in (iso.name, *own.get(code, ()))]
            folded = iso.first.casefold()
            if not folded.startswith("the ") and not any(n in folded for n in had):
                names[code] = iso.first
    return names


def english_subdivision_codes(country: str, text: str) -> list[str]:
    """The subdivisions of ``country`` (codes as the ``holidays`` package spells them) that
    ``text`` names, in any case, by their ISO 3166-2 name, its English translation in
    Debian's iso-codes, or any English name the ``iso3166-2`` package lists (nicknames
    included): ``("AT", "vienna")`` -> ``["9"]``; several codes when the name is ambiguous,
    none when it is unknown. Imports pycountry and iso3166-2."""
    folded = fold(text)
    translated = _translated_names(country)
    found = []
    for code, iso in _iso3166_2_names(country).items():
        names = (iso.name, translated.get(code, ""), *iso.english)
        if any(fold(name) == folded for name in names if name):
            found.append(code)
    for code, name in translated.items():
        if code not in found and fold(name) == folded:
            found.append(code)
    return found


@functools.lru_cache(maxsize=16)
def _translated_names(country: str) -> dict[str, str]:
    """Subdivision code -> the English translation of its ISO 3166-2 name in Debian's
    iso-codes (shipped by pycountry), where it differs from the name: ``DE`` ->
    ``{"BY": "Bavaria"}``; 25 of the 5,046 subdivisions have one."""
    import gettext

    import pycountry

    codes = _holidays_codes(country)
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
def _iso3166_2_names(country: str) -> dict[str, _IsoNames]:
    """Subdivision code (as the ``holidays`` package spells it) -> its names in the
    ``iso3166-2`` package (see :class:`_IsoNames`). A country the package does not carry
    has none."""
    codes = _holidays_codes(country)
    data = _iso3166_2_data().get(country, {}) if codes else {}
    names = {}
    for iso_code, entry in data.items():
        code = codes.get(iso_code.partition("-")[2].casefold())
        if code:
            names[code] = _iso_names(entry.get("name") or "", entry.get("localOtherName") or "")
    return names


@functools.cache
def _iso3166_2_data() -> dict[str, dict[str, dict[str, Any]]]:
    """The ``iso3166-2`` package's data, read once (3.6 MB, about 0.1 s): country code ->
    subdivision code (``DE-NW``) -> its attributes (``name``, ``localOtherName``, ...)."""
    from iso3166_2 import Subdivisions

    data: dict[str, dict[str, dict[str, Any]]] = Subdivisions().all
    return data


class _IsoNames(NamedTuple):
    """A subdivision's names in the ``iso3166-2`` package: its ISO 3166-2 name
    (``"Nordrhein-Westfalen"``), the names its ``localOtherName`` marks ``(eng)``, in the
    package's order, and the first of those when it is also the first other name listed
    (``None`` when a name in another language comes first)."""

    name: str
    english: tuple[str, ...]
    first: str | None


def _iso_names(name: str, others: str) -> _IsoNames:
    """Read a ``localOtherName``: ``"North Rhine-Westphalia (eng), Noordrien-Wesfale (lim),
    ..."``, an item with a comma of its own in single quotes (``"'Washington, D.C. (eng)',
    Washington (eng)"``)."""
    english: list[str] = []
    first: str | None = None
    for index, item in enumerate(_ITEM.finditer(others)):
        named = _NAMED.fullmatch((item["quoted"] or item["plain"] or "").strip())
        if named and named["language"] == "eng":
            english.append(named["name"])
            first = named["name"] if index == 0 else first
    return _IsoNames(name, tuple(english), first)


_ITEM = re.compile(r"\s*(?:'(?P<quoted>.*?)'(?=,|$)|(?P<plain>[^,]+))\s*(?:,|$)")
_NAMED = re.compile(r"(?P<name>.+?)\s*\((?P<language>[a-z]{3})\)")


def _holidays_codes(country: str) -> dict[str, str]:
    """The ``holidays`` package's subdivision codes of ``country``, folded -> as spelt."""
    return {code.casefold(): code for code in supported_countries().get(country, [])}


def _own_names(country: str) -> dict[str, list[str]]:
    """Subdivision code -> the names the ``holidays`` package gives it."""
    import holidays

    aliases: dict[str, list[str]] = holidays.country_holidays(country).get_subdivision_aliases()
    return aliases


@functools.lru_cache(maxsize=16)
def _subdivision_aliases(country: str) -> dict[str, str]:
    """Every other name the ``holidays`` package knows a subdivision of ``country`` by
    (Malaysia's ``JHR`` and ``Johor`` for ``01``, Germany's ``Bayern`` for ``BY``), folded
    to lower case -> the code."""
    import holidays

    found: dict[str, str] = {}
    for code, names in holidays.country_holidays(country).get_subdivision_aliases().items():
        for name in names:
            found.setdefault(fold(name), code)
    return found


def fold(text: str) -> str:
    """``text`` as names are compared: stripped, without case or accents, as people type
    them on a keyboard without the letter (``Thüringen``, ``Thuringen`` -> ``thuringen``;
    ``Straße`` -> ``strasse``)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
    its subdivisions, only the matching subdivisions. A ``text`` that is a country's code
    (``de``, as the refusal of an unknown subdivision points to it) gives that country
    alone, with every subdivision."""
    needle = fold(text or "")
    names = country_names()
    if needle.upper() in names:
        code = needle.upper()
        return [CountryEntry(code, names[code], tuple(subdivision_names(code).items()))]
    found = []
    for code, name in sorted(names.items()):
        subs = tuple(subdivision_names(code).items())
        if needle and needle not in fold(code) and needle not in fold(name):
            subs = tuple((c, n) for c, n in subs if needle == fold(c) or needle in fold(n))
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
