"""The follow-up email assistant: a short, polite draft for an interview, and its mailto link.

A template is a text file: a first line ``Subject: ...``, a blank line, then the body. It
uses :class:`string.Template` placeholders (``$name`` or ``${name}``; ``$$`` is a dollar
sign). The placeholders a template may use:

``$greeting``
    "Dear Dana Chen," when the contact's name is known, else "Hello,".
``$contact_name``
    The contact's name, or nothing.
``$company``
    The company's name.
``$role``
    The role as recorded ("Data Engineer"), or nothing.
``$role_phrase``
    The role as a phrase that reads well in a sentence: "the Data Engineer role", or
    "the position" when no role is recorded.
``$interview_day``
    The interview date in words ("Thursday, 19 November"), or nothing.
``$interview_when``
    "on Thursday, 19 November", or nothing: put it at the end of a clause
    ("... at $company $interview_when.") and the sentence reads well either way.
``$other_offers``
    With ``--other-offers``, one sentence saying this company is still your first choice;
    else nothing.
``$closing``
    The sign-off, "Best regards,".
``$your_name``
    ``[you] name`` from the config, else the visible placeholder ``[your name]`` (a draft is
    never silently unsigned; the CLI warns in one line how to set the name).
``$signature``
    ``[you] signature`` from the config (one or more lines), or nothing.

Empty values leave no trace: a line that holds only placeholders and comes out empty is
dropped, runs of spaces become one, a space left before punctuation goes, and blank lines
never pile up. So with no signature the draft ends at the name.

The built-in templates are files in the package (``followup/mail/templates/*.txt``). A file of
the same name in ``$XDG_CONFIG_HOME/followup/templates/`` replaces a built-in one, and an
explicit path (``--template PATH``) replaces both. A user template that names an unknown
placeholder, lacks the Subject line or misuses ``$`` is a :class:`UsageError` naming the
file.

:func:`compose` refuses a closed interview (heard back, moved on, withdrawn) itself, through
:func:`refuse_closed`: there is nothing to follow up.
"""

from __future__ import annotations

import os
import re
import shutil
import string
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from followup import paths
from followup.config import YouSettings
from followup.errors import InvalidChange, UsageError
from followup.lifecycle.validation import one_line
from followup.rules import Status
from followup.values import InterviewView

#: What stands for the sender's name when ``[you] name`` is not set: visible, so that a
#: draft is never sent unsigned by mistake.
NAME_PLACEHOLDER = "[your name]"

#: What stands for the recipient when the interview has no contact email: the ``To:``
#: line is always there, and says plainly that no address is known.
ADDRESS_PLACEHOLDER = "[no address known]"

#: The built-in template used when none is named.
DEFAULT_TEMPLATE = "follow_up.txt"

PLACEHOLDERS = (
    "closing",
    "company",
    "contact_name",
    "greeting",
    "interview_day",
    "interview_when",
    "other_offers",
    "role",
    "role_phrase",
    "signature",
    "your_name",
)

OPENER = "xdg-open"
OPEN_TIMEOUT = 15.0

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Last words that already name the kind of thing a role is ("Data Engineer position").
_ROLE_NOUNS = {"role", "position", "job", "post", "opening", "internship", "placement"}
#: A line made of placeholders only (and spaces): dropped when it comes out empty.
_ONLY_PLACEHOLDERS = re.compile(r"\s*(?:(?:\$[_a-z][_a-z0-9]*|\$\{[_a-z][_a-z0-9]*\})\s*)+", re.I)
_SUBJECT = re.compile(r"subject:(.*)", re.I)
#: A mailto link in an opener's message, quoted or not.
_MAILTO = re.compile(r"""(['"]?)mailto:\S*?\1(?=[\s,;:.)]*(?:\s|$))""")


@dataclass(frozen=True)
class Draft:
    to: str | None
    subject: str
    body: str
    #: No ``[you] name`` was set: the body holds :data:`NAME_PLACEHOLDER` where it goes.
    unsigned: bool = False

    def text(self) -> str:
        """The draft as it is printed: ``To:`` (:data:`ADDRESS_PLACEHOLDER` when no
        address is known), ``Subject:``, a blank line, the body; no newline at the end."""
        to = self.to or ADDRESS_PLACEHOLDER
        return "\n".join([f"To: {to}", f"Subject: {self.subject}", "", self.body])


@dataclass(frozen=True)
class Template:
    """A checked template: ``source`` names it in messages (a path, or "built-in NAME")."""

    source: str
    subject: str
    body: str


# -- templates ---------------------------------------------------------------------------


def builtin_templates() -> list[str]:
    """The file names of the built-in templates, e.g. ``["follow_up.txt"]``."""
    folder = resources.files("followup.mail") / "templates"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".txt"))


def load_template(
    path: Path | None, env: Mapping[str, str], *, name: str = DEFAULT_TEMPLATE
) -> Template:
    """The template at ``path`` when given, else the user's file ``name`` in
    ``$XDG_CONFIG_HOME/followup/templates/`` when it exists, else the built-in one."""
    if path is None:
        override = paths.templates_dir(env) / name
        if override.is_file():
            path = override
    if path is None:
        builtin = resources.files("followup.mail") / "templates" / name
        if not builtin.is_file():
            raise UsageError(
                f"no built-in template {name!r} (choose from {', '.join(builtin_templates())})"
            )
        return parse_template(builtin.read_text(encoding="utf-8"), f"built-in {name}")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"template {path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"template {path}: is a folder, not a file") from None
    except UnicodeDecodeError:
        raise UsageError(f"template {path}: not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"template {path}: cannot read: {exc.strerror or exc}") from None
    return parse_template(text, str(path))


def parse_template(text: str, source: str) -> Template:
    """Check a template's shape and placeholders; ``source`` names it in errors."""
    lines = text.removeprefix("\ufeff").splitlines()
    first = _SUBJECT.fullmatch(lines[0].strip()) if lines else None
    if first is None:
        raise UsageError(
            f"template {source}: the first line must be the subject, as in "
            "'Subject: Following up on my interview with $company'"
        )
    subject = first[1].strip()
    if not subject:
        raise UsageError(f"template {source}: the Subject line is empty")
    if len(lines) > 1 and lines[1].strip():
        raise UsageError(f"template {source}: line 2 must be blank, between subject and body")
    body = "\n".join(lines[2:]).strip("\n")
    if not body.strip():
        raise UsageError(f"template {source}: the body is empty")
    _check_syntax("\n".join(lines), source)
    used = string.Template(subject).get_identifiers() + string.Template(body).get_identifiers()
    unknown = sorted(set(used) - set(PLACEHOLDERS), key=used.index)
    if unknown:
        which = "placeholder" if len(unknown) == 1 else "placeholders"
        raise UsageError(
            f"template {source}: unknown {which} {', '.join('$' + u for u in unknown)} "
            f"(known: {', '.join('$' + p for p in PLACEHOLDERS)})"
        )
    return Template(source, subject, body)


def _check_syntax(text: str, source: str) -> None:
    for match in string.Template.pattern.finditer(text):
        if match.group("invalid") is not None:
            start = match.start()
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            raise UsageError(
                f"template {source}: line {line}, column {column}: a '$' must start a "
                "placeholder such as $company or ${company} (write $$ for a dollar sign)"
            )


# -- composing ---------------------------------------------------------------------------


def refuse_closed(view: InterviewView) -> None:
    """Raise :class:`InvalidChange` saying why when the interview needs no follow-up."""
    if view.status.is_open:
        return
    why = {
        Status.HEARD_BACK: "you heard back" + (f" ({view.outcome})" if view.outcome else ""),
        Status.MOVED_ON: "you moved on",
        Status.WITHDRAWN: "you withdrew",
    }[view.status]
    raise InvalidChange(
        f"interview {view.id} ({view.company}) is closed: {why}; there is nothing to follow up"
    )


def compose(
    view: InterviewView, you: YouSettings, *, other_offers: bool, template: Template
) -> Draft:
    """The draft for an open interview; a closed one raises :class:`InvalidChange`."""
    refuse_closed(view)
    values = placeholder_values(view, you, other_offers=other_offers)
    subject = _squeeze(string.Template(template.subject).substitute(values))
    lines: list[str] = []
    for line in template.body.split("\n"):
        filled = string.Template(line).substitute(values)
        if _ONLY_PLACEHOLDERS.fullmatch(line) and not filled.strip():
            continue
        lines.extend(filled.split("\n"))
    body = "\n".join(_squeeze(line) for line in lines)
    body = re.sub(r"\n{3,}", "\n\n", body).strip("\n")
    # The medium's one safety rule: nothing stored may add a header line or a second
    # recipient (stored values are checked on the way in; this guards older rows too).
    to = one_line(view.contact_email) if view.contact_email else None
    if to and any(c in to for c in "<>,; "):
        to = None
    unsigned = not _clean(you.name) and NAME_PLACEHOLDER in body
    return Draft(to or None, one_line(subject), body, unsigned=unsigned)


def placeholder_values(
    view: InterviewView, you: YouSettings, *, other_offers: bool
) -> dict[str, str]:
    """Every placeholder's text for this interview (empty when unknown)."""
    contact = _clean(view.contact_name)
    company = _clean(view.company)
    role = _clean(view.role)
    day = words_day(view.interviewed_on) if view.interviewed_on else ""
    signature = (you.signature or "").replace("\\n", "\n")
    values = {
        "greeting": f"Dear {contact}," if contact else "Hello,",
        "contact_name": contact,
        "company": company,
        "role": role,
        "role_phrase": _role_phrase(role),
        "interview_day": day,
        "interview_when": f"on {day}" if day else "",
        "other_offers": (
            f"I have received other offers, but {company} is still my first choice."
            if other_offers
            else ""
        ),
        "closing": "Best regards,",
        "your_name": _clean(you.name) or NAME_PLACEHOLDER,
        "signature": "\n".join(line.strip() for line in signature.strip().splitlines()),
    }
    assert set(values) == set(PLACEHOLDERS)
    return values


def words_day(day: date) -> str:
    """``date(2026, 11, 19)`` -> "Thursday, 19 November" (English, whatever the locale)."""
    return f"{_DAYS[day.weekday()]}, {day.day} {_MONTHS[day.month - 1]}"


def _clean(text: str | None) -> str:
    """A stored value as one line of the email: no control characters, single spaces."""
    return one_line(text) if text else ""


def _role_phrase(role: str) -> str:
    if not role:
        return "the position"
    words = role.split()
    article = "" if words[0].lower() in ("the", "a", "an") else "the "
    noun = "" if words[-1].lower() in _ROLE_NOUNS else " role"
    return f"{article}{role}{noun}"


def _squeeze(line: str) -> str:
    line = re.sub(r"[ \t]+", " ", line).strip()
    return re.sub(r" +([.,;:!?])", r"\1", line)


# -- handing the draft to a mail client --------------------------------------------------


def mailto(draft: Draft) -> str:
    """The draft as an RFC 6068 ``mailto:`` link: every reserved character of the subject and
    body percent-encoded as UTF-8, line breaks as ``%0D%0A``."""
    to = quote(draft.to, safe="@") if draft.to else ""
    body = draft.body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return f"mailto:{to}?subject={quote(draft.subject, safe='')}&body={quote(body, safe='')}"


def open_mail_client(draft: Draft, env: Mapping[str, str]) -> str | None:
    """Hand the draft's mailto link to the desktop's opener (``xdg-open`` on ``PATH``).

    Returns None when the opener accepted it, else one line saying why not, in which the
    link the opener may quote (some hundreds of characters of percent-encoded body) is
    named "the mailto link".
    """
    reason = xdg_open(mailto(draft), "the mailto link", env)
    return None if reason is None else _MAILTO.sub("the mailto link", reason)


def open_file(path: Path, env: Mapping[str, str]) -> str | None:
    """Open a saved draft with whatever the desktop opens text files with (``xdg-open``).
    Returns None when the opener accepted it, else one line saying why not."""
    return xdg_open(str(path), "the file", env)


def xdg_open(target: str, what: str, env: Mapping[str, str]) -> str | None:
    """Run ``xdg-open TARGET``; None when it succeeded, else why not (``what`` names the
    target in the reason for statuses the opener explains by number).

    The opener runs in a session of its own and is never killed: where no desktop is named
    (``XDG_CURRENT_DESKTOP`` unset: i3, sway) xdg-open runs the mail client in the
    foreground and lives as long as it does. Still running after :data:`OPEN_TIMEOUT`
    seconds therefore means handed over (None), never "not opened": taking it for a failure
    would open the draft a second time, as a file, in another program. A thread reaps it
    when it ends (an Event's wait, not ``Popen.wait``'s sleeps, which libfaketime breaks).
    Its output goes to a file, not a pipe: a program it starts may keep running, and a pipe
    it inherited would never close.
    """
    opener = shutil.which(OPENER, path=env.get("PATH", os.defpath))
    if opener is None:
        return f"no desktop opener ({OPENER}) found"
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                [opener, target],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env=dict(env),
                start_new_session=True,
            )
        except OSError as exc:
            return f"cannot run {OPENER}: {exc.strerror or exc}"
        ended = threading.Event()

        def reap() -> None:
            proc.wait()
            ended.set()

        threading.Thread(target=reap, name="opener-reaper", daemon=True).start()
        if not ended.wait(OPEN_TIMEOUT):
            return None
        returncode = proc.returncode
        if returncode == 0:
            return None
        errors.seek(0)
        said = [
            line.strip()
            for line in errors.read().decode("utf-8", "replace").splitlines()
            if line.strip()
        ]
    if said:
        detail = said[-1]
    else:
        detail = _OPENER_STATUS.get(returncode, "no reason given").format(what=what)
    return f"{OPENER} failed with status {returncode}: {detail}"


def save(draft: Draft, interview_id: int, env: Mapping[str, str]) -> Path:
    """Write the draft as ``followup draft ID`` prints it to
    ``$XDG_DATA_HOME/followup/drafts/interview-ID.txt`` (folder 0700, file 0600: it holds a
    name and an address) and return the path; an earlier draft for the interview is
    replaced. Raises UsageError naming the path when it cannot be written."""
    from followup.ownfiles import make_folder
    from followup.transfer.files import write_atomic

    folder = paths.drafts_dir(env)
    try:
        make_folder(folder)
    except OSError as exc:
        raise UsageError(f"cannot write {folder}: {exc.strerror}") from None
    path = folder / f"interview-{interview_id}.txt"
    write_atomic(path, (draft.text() + "\n").encode("utf-8"))
    return path


#: What xdg-open's exit statuses mean (xdg-open(1)).
_OPENER_STATUS = {
    1: "error in command line syntax",
    2: "the link was not understood",
    3: "a required tool could not be found (is a mail client set up?)",
    4: "no application could open {what}",
}
