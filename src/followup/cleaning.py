"""Text from outside, cleaned at the door and on its way out: one module for every place
text is read from (a mail header, a server's answer, a helper program's output, a file) and
every place it goes (the store, the terminal, a notification, JSON, the log).

- :func:`from_outside`: what may be kept at all. NUL (which PostgreSQL's text columns
  refuse, and which would make every later write fail), lone surrogates, C0 and C1 control
  characters, and the bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E/F,
  U+061C: they reorder what is shown around them) are removed; line breaks and tabs become
  a space; the text is cut to a stated number of characters, ending in "…" when cut.
- :func:`visible`: for a terminal or a log line; what is left of the above is shown as
  control pictures or ``\\uXXXX`` rather than acted on.
- :func:`one_line`, :func:`for_dbus`: a one-line field, a D-Bus string.
- :func:`redact`: no URL is ever shown with its password.

Only the standard library is imported here.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters kept from a mail header or a server's line at most (a subject longer than
#: this is cut): enough for any real subject, small enough that a 10 MB one is never stored
#: or printed whole.
MAX_FIELD = 1000
#: Characters of one error or log line at most (a server's or a program's words in it are
#: cut first): a 50 MB answer never becomes a 50 MB line.
MAX_LINE = 2000
#: The bidirectional formatting characters (Unicode UAX #9): removed from outside text.
BIDI = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def from_outside(text: str, limit: int = MAX_FIELD) -> str:
    """``text`` as read from outside (a header, a server's answer, a program's output), fit
    to store and to show anywhere: NUL, lone surrogates, controls (C0, DEL, C1) and bidi
    controls removed, line breaks and tabs turned into spaces, runs of spaces squeezed, at
    most ``limit`` characters (cut ones end in "…")."""
    if not (text.isascii() and text.isprintable()):
        kept = []
        for char in text:
            code = ord(char)
            if char in "\t\n\r\x0b\x0c\x85\u2028\u2029":
                kept.append(" ")
            elif code < 0x20 or 0x7F <= code <= 0x9F or code in BIDI or 0xD800 <= code <= 0xDFFF:
                continue
            else:
                kept.append(char)
        text = " ".join("".join(kept).split())
    if len(text) > limit:
        return text[: limit - 1] + "…"
    return text


_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` fit for a terminal: C0 controls and DEL become their Unicode control
    pictures (ESC -> ␛, a line break -> ␊ unless ``keep_newlines``), and C1 controls,
    bidirectional overrides and other format characters, and lone surrogates, become
    ``\\uXXXX``. Nothing the user stored can then move the cursor, recolour the screen or
    fake a line of output."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for char in text:
        code = ord(char)
        if keep_newlines and char in "\n\t":
            out.append(char)
        elif code in _PICTURES:
            out.append(_PICTURES[code])
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def one_line(text: str) -> str:
    """``text`` for a one-line field (a mail header, a notification title, a D-Bus string):
    control characters and line separators become spaces, NUL and lone surrogates go, and
    runs of spaces are squeezed."""
    cleaned = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\0" or category == "Cs":
            continue
        cleaned.append(" " if category in ("Cc", "Zl", "Zp") else char)
    return " ".join("".join(cleaned).split())


def for_dbus(text: str) -> str:
    """``text`` as a D-Bus string may carry it: valid UTF-8 without NUL (the bus drops the
    connection of a sender that breaks this). NUL and lone surrogates are removed; all else
    is kept (the server escapes or renders it)."""
    return "".join(c for c in text if c != "\0" and not 0xD800 <= ord(c) <= 0xDFFF)


#: Query parameters that carry a password to a database driver (libpq's ``password``, and
#: the spellings other drivers take).
PASSWORD_KEYS = frozenset({"password", "passwd", "pwd", "pass", "sslpassword"})


def redact(text: str) -> str:
    """``text`` with every password of a URL in it replaced by ``***``: the user part's
    (``scheme://user:PASSWORD@host``) and a query parameter's (``password=PASSWORD``, the
    name in any case or percent-encoded, as a driver decodes it), so that no message,
    listing or log line ever shows one."""
    text = _URL_PASSWORD.sub(r"\1***\2", text)
    return _QUERY_PARAMETER.sub(_hide_password, text)


def _hide_password(found: re.Match[str]) -> str:
    from urllib.parse import unquote_plus

    name = unquote_plus(found.group(2)).strip().lower()
    return found.group(1) + "***" if name in PASSWORD_KEYS else found.group(0)


_URL_PASSWORD = re.compile(r"(://[^/:@\s]*:)[^@\s]*(@)")
#: A query parameter (also inside a URL that is itself percent-encoded): group 1 is up to
#: its ``=``, group 2 its name as written; its value runs to the next ``&``, ``;``, space
#: or quote.
_QUERY_PARAMETER = re.compile(
    r"((?:[?&;]|%3[fF]|%26)((?:[^=&;?%\s'\"]|%(?!3[dDfF]|26)[0-9A-Fa-f]{2})+)(?:=|%3[dD]))"
    r"[^&;\s'\"]*"
)
