"""Countries' English names, and the countries a mistyped code or name probably meant.

Names come from the Unicode CLDR (through Babel), else from the ``holidays`` class name
with spaces; both libraries are imported only when a name is asked for. Kept apart from
:mod:`followup.places` so that :mod:`followup.business_days` can suggest a country for an
unknown code without the two modules needing each other.
"""

from __future__ import annotations

import functools
import re


@functools.cache
def country_names() -> dict[str, str]:
    """Country code (alpha-2, as the ``holidays`` package lists them) -> English name."""
    import holidays
    from babel import Locale
    from holidays.registry import COUNTRIES

    cldr = Locale("en").territories
    names = {}
    for class_name, code, *_rest in COUNTRIES.values():
        names[code] = cldr.get(code) or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)
    known = holidays.list_supported_countries(include_aliases=False)
    return {code: names.get(code, "") for code in known}


def suggest_country(text: str) -> list[str]:
    """The countries a mistyped code or name probably meant, as "DE (Germany)", best
    first (at most three): close names by ``difflib``, and a code typed in full."""
    import difflib

    needle = text.strip().casefold()
    names = country_names()
    by_name = {name.casefold(): code for code, name in names.items() if name}
    codes = []
    if needle.upper() in names:
        codes.append(needle.upper())
    for close in difflib.get_close_matches(needle, list(by_name), n=3, cutoff=0.75):
        codes.append(by_name[close])
    unique = list(dict.fromkeys(codes))[:3]
    return [f"{code} ({names[code]})" for code in unique]
