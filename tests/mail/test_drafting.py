"""Specification of the follow-up email assistant: the draft it writes for an interview, the
templates it reads (built-in, the user's override, an explicit file), the mailto link it hands
to the desktop's opener, and the interviews it refuses.

The interview used throughout: Dana Chen at Acme, Data Engineer, interviewed on
Thu 2026-11-19, reply expected Mon 2026-11-23.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from followup.config import YouSettings, load
from followup.errors import InvalidChange, UsageError
from followup.lifecycle.service import Tracker
from followup.mail.drafting import (
    PLACEHOLDERS,
    Draft,
    Template,
    builtin_templates,
    compose,
    load_template,
    mailto,
    open_mail_client,
    words_day,
)
from followup.mail.lint import lint, load_rules
from followup.records import Details
from followup.rules import Status
from followup.store import Database
from followup.values import InterviewView

THU_19 = date(2026, 11, 19)
MON_23 = date(2026, 11, 23)
ALEX = YouSettings("Alex Morgan", "+1 555 0100\nlinkedin.com/in/alexmorgan")
NOBODY = YouSettings()
KNOWN = ", ".join("$" + p for p in PLACEHOLDERS)
OTHER_OFFERS = "I have received other offers, but Acme is still my first choice."


def interview(**changes: object) -> InterviewView:
    """Dana Chen at Acme, Data Engineer, interviewed Thu 2026-11-19, still waiting."""
    view = InterviewView(
        id=3,
        company="Acme",
        role="Data Engineer",
        contact_name="Dana Chen",
        contact_email="dana@acme.example",
        interviewed_on=THU_19,
        reply_expected_on=MON_23,
        emailed_on=None,
        status=Status.WAITING,
        outcome=None,
        country=None,
        subdivision=None,
        notes=None,
        next_reminder=None,
    )
    return view._replace(**changes)  # type: ignore[arg-type]


def builtin(name: str = "follow_up.txt") -> Template:
    return load_template(None, os.environ, name=name)


def draft(view: InterviewView, you: YouSettings = ALEX, *, other_offers: bool = False) -> Draft:
    return compose(view, you, other_offers=other_offers, template=builtin())


def words(text: str) -> int:
    return len(text.split())


# -- the draft -----------------------------------------------------------------------------


def test_a_draft_with_everything_known() -> None:
    assert draft(interview()).text() == (
        "To: dana@acme.example\n"
        "Subject: Following up on my interview with Acme\n"
        "\n"
        "Dear Dana Chen,\n"
        "\n"
        "Thank you again for speaking with me about the Data Engineer role at Acme on "
        "Thursday, 19 November. I enjoyed our conversation and hearing about the team's "
        "plans.\n"
        "\n"
        "I know hiring is only one of many things on your desk, and I appreciate your time. "
        "When it suits you, I would be grateful to hear where you are in the process.\n"
        "\n"
        "I remain very interested in the opportunity and would be glad to share anything "
        "else that could help.\n"
        "\n"
        "Best regards,\n"
        "Alex Morgan\n"
        "+1 555 0100\n"
        "linkedin.com/in/alexmorgan"
    )


def test_a_draft_with_only_the_company_known() -> None:
    bare = interview(role=None, contact_name=None, contact_email=None, interviewed_on=None)
    assert draft(bare, NOBODY).text() == (
        "To: [no address known]\n"
        "Subject: Following up on my interview with Acme\n"
        "\n"
        "Hello,\n"
        "\n"
        "Thank you again for speaking with me about the position at Acme. I enjoyed our "
        "conversation and hearing about the team's plans.\n"
        "\n"
        "I know hiring is only one of many things on your desk, and I appreciate your time. "
        "When it suits you, I would be grateful to hear where you are in the process.\n"
        "\n"
        "I remain very interested in the opportunity and would be glad to share anything "
        "else that could help.\n"
        "\n"
        "Best regards,\n"
        "[your name]"
    )


def test_other_offers_adds_one_sentence_naming_the_company_as_first_choice() -> None:
    plain = draft(interview()).body
    with_offers = draft(interview(), other_offers=True).body
    assert with_offers.replace(" " + OTHER_OFFERS, "") == plain
    assert with_offers.count(OTHER_OFFERS) == 1


@pytest.mark.parametrize(
    ("role", "phrase"),
    [
        ("Data Engineer", "about the Data Engineer role at Acme"),
        ("Data Engineer position", "about the Data Engineer position at Acme"),
        ("Backend internship", "about the Backend internship at Acme"),
        ("  Site   Reliability Engineer ", "about the Site Reliability Engineer role at Acme"),
        (None, "about the position at Acme"),
    ],
)
def test_the_role_reads_well_with_or_without_one(role: str | None, phrase: str) -> None:
    assert phrase in draft(interview(role=role)).body


@pytest.mark.parametrize(
    ("day", "words_"),
    [
        (date(2026, 11, 19), "Thursday, 19 November"),  # Thu 2026-11-19
        (date(2027, 1, 4), "Monday, 4 January"),  # Mon 2027-01-04
        (date(2026, 2, 28), "Saturday, 28 February"),  # Sat 2026-02-28
    ],
)
def test_the_interview_date_in_words(day: date, words_: str) -> None:
    assert words_day(day) == words_
    assert f"at Acme on {words_}. I enjoyed" in draft(interview(interviewed_on=day)).body


def test_no_interview_date_leaves_no_gap() -> None:
    body = draft(interview(interviewed_on=None)).body
    assert "the Data Engineer role at Acme. I enjoyed" in body


@pytest.mark.parametrize(
    ("you", "ending"),
    [
        (ALEX, "Best regards,\nAlex Morgan\n+1 555 0100\nlinkedin.com/in/alexmorgan"),
        (YouSettings("Alex Morgan"), "Best regards,\nAlex Morgan"),
        (YouSettings(signature="+1 555 0100"), "Best regards,\n[your name]\n+1 555 0100"),
        (
            YouSettings("Alex Morgan", "+1 555 0100\\nlinkedin.com/in/alexmorgan"),
            "Best regards,\nAlex Morgan\n+1 555 0100\nlinkedin.com/in/alexmorgan",
        ),
        (NOBODY, "anything else that could help.\n\nBest regards,\n[your name]"),
    ],
    ids=["name and signature", "name only", "signature only", "literal \\n", "neither"],
)
def test_the_sign_off(you: YouSettings, ending: str) -> None:
    assert draft(interview(), you).body.endswith(ending)


def test_the_greeting_names_the_contact_or_is_neutral() -> None:
    assert draft(interview()).body.startswith("Dear Dana Chen,\n\n")
    assert draft(interview(contact_name=None)).body.startswith("Hello,\n\n")


def test_no_address_is_said_plainly_on_the_to_line() -> None:
    made = draft(interview(contact_email=None))
    assert made.text().startswith(
        "To: [no address known]\nSubject: Following up on my interview with Acme\n\n"
    )
    assert made.to is None


VARIANTS = list(
    itertools.product(
        builtin_templates(),
        [False, True],  # --other-offers
        ["Dana Chen", None],  # contact
        ["Data Engineer", None],  # role
        [THU_19, None],  # interview date
        ["Alex Morgan", None],  # your name
        ["+1 555 0100\nlinkedin.com/in/alexmorgan", None],  # signature
    )
)


def variant_id(values: tuple[object, ...]) -> str:
    """e.g. "follow_up.txt, offers, no contact, role, date, no name, signature"."""
    name, *rest = values
    labels = ("offers", "contact", "role", "date", "name", "signature")
    return ", ".join(
        [str(name)] + [lab if v else f"no {lab}" for lab, v in zip(labels, rest, strict=True)]
    )


@pytest.mark.parametrize(
    ("name", "other_offers", "contact", "role", "day", "you_name", "signature"),
    VARIANTS,
    ids=[variant_id(v) for v in VARIANTS],
)
def test_every_draft_passes_lint_and_is_short(
    name: str,
    other_offers: bool,
    contact: str | None,
    role: str | None,
    day: date | None,
    you_name: str | None,
    signature: str | None,
) -> None:
    view = interview(contact_name=contact, role=role, interviewed_on=day)
    made = compose(
        view,
        YouSettings(you_name, signature),
        other_offers=other_offers,
        template=builtin(name),
    )
    assert lint(made.text(), load_rules()) == []
    assert words(made.body) < 120
    assert "  " not in made.text()
    assert "\n\n\n" not in made.text()
    assert " ." not in made.body and " ," not in made.body
    assert "$" not in made.text()


def test_there_is_a_built_in_follow_up_template() -> None:
    assert "follow_up.txt" in builtin_templates()


# -- closed interviews -----------------------------------------------------------------------


@pytest.fixture
def tracker(db_path: Path) -> Iterator[Tracker]:
    db = Database(f"sqlite:///{db_path}")
    yield Tracker(load(), db)
    db.close()


NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("close", "message"),
    [
        (
            lambda t, i: t.heard(i, "offer", None, NOW),
            "interview 1 (Acme) is closed: you heard back (offer); there is nothing to follow up",
        ),
        (
            lambda t, i: t.heard(i, "rejected", None, NOW),
            "interview 1 (Acme) is closed: you heard back (rejected); "
            "there is nothing to follow up",
        ),
        (
            lambda t, i: t.close(i, Status.MOVED_ON, NOW),
            "interview 1 (Acme) is closed: you moved on; there is nothing to follow up",
        ),
        (
            lambda t, i: t.close(i, Status.WITHDRAWN, NOW),
            "interview 1 (Acme) is closed: you withdrew; there is nothing to follow up",
        ),
    ],
    ids=["offer", "rejected", "moved on", "withdrawn"],
)
def test_a_closed_interview_gets_no_draft(tracker: Tracker, close: object, message: str) -> None:
    added = tracker.add(Details(company="Acme", reply_expected_on=MON_23), NOW)
    close(tracker, added.id)  # type: ignore[operator]
    with pytest.raises(InvalidChange) as caught:
        draft(tracker.get(added.id))
    assert caught.value.message == message


@pytest.mark.parametrize("status", [Status.WAITING, Status.EMAILED])
def test_an_open_interview_from_the_store_gets_a_draft(tracker: Tracker, status: Status) -> None:
    added = tracker.add(
        Details(
            company="Acme",
            role="Data Engineer",
            contact_name="Dana Chen",
            contact_email="dana@acme.example",
            interviewed_on=THU_19,
            reply_expected_on=MON_23,
        ),
        NOW,
    )
    if status is Status.EMAILED:
        tracker.emailed(added.id, date(2026, 11, 27), NOW)
    assert draft(tracker.get(added.id)) == draft(interview(id=added.id))


# -- templates -------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_template_in_the_config_folder_replaces_the_built_in(home: Path) -> None:
    write(
        home / ".config/followup/templates/follow_up.txt",
        "Subject: $company, a short note\n\n$greeting\n\nStill keen on $role_phrase.\n",
    )
    made = compose(
        interview(), NOBODY, other_offers=False, template=load_template(None, os.environ)
    )
    assert made == Draft(
        "dana@acme.example",
        "Acme, a short note",
        "Dear Dana Chen,\n\nStill keen on the Data Engineer role.",
    )


def test_an_explicit_template_wins_over_the_config_folder(home: Path, tmp_path: Path) -> None:
    write(home / ".config/followup/templates/follow_up.txt", "Subject: folder\n\nfolder\n")
    explicit = write(tmp_path / "mine.txt", "Subject: explicit\n\nHello from $your_name.\n")
    made = compose(
        interview(), ALEX, other_offers=False, template=load_template(explicit, os.environ)
    )
    assert (made.subject, made.body) == ("explicit", "Hello from Alex Morgan.")


def test_without_xdg_config_home_the_folder_is_under_home(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME")
    write(home / ".config/followup/templates/follow_up.txt", "Subject: home\n\nbody\n")
    assert load_template(None, os.environ).subject == "home"


def test_a_line_of_empty_placeholders_is_dropped(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.txt",
        "Subject: Hi\n\n$greeting\n\nThanks.  $other_offers\n$interview_day\n\n\n"
        "$closing\n$your_name\n$signature\n",
    )
    made = compose(
        interview(contact_name=None, interviewed_on=None),
        NOBODY,
        other_offers=False,
        template=load_template(path, os.environ),
    )
    assert made.body == "Hello,\n\nThanks.\n\nBest regards,\n[your name]"


def test_a_double_dollar_is_a_dollar_sign(tmp_path: Path) -> None:
    path = write(tmp_path / "t.txt", "Subject: $$100 for $company\n\nIt costs $$5.\n")
    made = compose(interview(), NOBODY, other_offers=False, template=load_template(path, {}))
    assert (made.subject, made.body) == ("$100 for Acme", "It costs $5.")


def test_every_placeholder_is_known(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.txt",
        "Subject: $company\n\n" + " ".join("${" + p + "}" for p in PLACEHOLDERS) + "\n",
    )
    assert load_template(path, {}).source == str(path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "Subject: Hi $company\n\nDear $contact,\n\n$foo\n",
            f"unknown placeholders $contact, $foo (known: {KNOWN})",
        ),
        (
            "Subject: Hi\n\nAll the best, ${nickname}\n",
            f"unknown placeholder $nickname (known: {KNOWN})",
        ),
        ("Subject: Hi $Company\n\nbody\n", f"unknown placeholder $Company (known: {KNOWN})"),
        (
            "Hello $greeting\n\nbody\n",
            "the first line must be the subject, as in "
            "'Subject: Following up on my interview with $company'",
        ),
        (
            "",
            "the first line must be the subject, as in "
            "'Subject: Following up on my interview with $company'",
        ),
        ("Subject:   \n\nbody\n", "the Subject line is empty"),
        ("Subject: Hi\nbody\n", "line 2 must be blank, between subject and body"),
        ("Subject: Hi\n\n\n", "the body is empty"),
        (
            "Subject: Hi\n\nLine one\nIt costs $5.\n",
            "line 4, column 10: a '$' must start a placeholder such as $company or "
            "${company} (write $$ for a dollar sign)",
        ),
        (
            "Subject: Hi ${company\n\nbody\n",
            "line 1, column 13: a '$' must start a placeholder such as $company or "
            "${company} (write $$ for a dollar sign)",
        ),
    ],
    ids=[
        "two unknown",
        "braced unknown",
        "case matters",
        "no subject line",
        "empty file",
        "empty subject",
        "no blank line",
        "empty body",
        "bad dollar in body",
        "unclosed brace in subject",
    ],
)
def test_a_bad_user_template_is_a_usage_error_naming_the_file(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = write(tmp_path / "t.txt", text)
    with pytest.raises(UsageError) as caught:
        load_template(path, {})
    assert caught.value.message == f"template {path}: {problem}"
    assert caught.value.exit_code == 2


def test_the_unknown_placeholder_error_in_full(tmp_path: Path) -> None:
    path = write(tmp_path / "t.txt", "Subject: Hi\n\n$foo\n")
    with pytest.raises(UsageError) as caught:
        load_template(path, {})
    assert caught.value.message == (
        f"template {path}: unknown placeholder $foo (known: $closing, $company, $contact_name, "
        "$greeting, $interview_day, $interview_when, $other_offers, $role, $role_phrase, "
        "$signature, $your_name)"
    )


def test_a_bad_override_in_the_config_folder_is_named(home: Path) -> None:
    path = write(home / ".config/followup/templates/follow_up.txt", "Subject: x\n\n$oops\n")
    with pytest.raises(UsageError) as caught:
        load_template(None, os.environ)
    assert caught.value.message == f"template {path}: unknown placeholder $oops (known: {KNOWN})"


def test_a_missing_template_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_template(tmp_path / "nope.txt", {})
    assert caught.value.message == f"template {tmp_path / 'nope.txt'}: no such file"


def test_a_template_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Subject: Grüße\n\nbody\n".encode("latin-1"))
    with pytest.raises(UsageError) as caught:
        load_template(path, {})
    assert caught.value.message == f"template {path}: not UTF-8 text"


def test_an_unknown_built_in_template_name() -> None:
    with pytest.raises(UsageError) as caught:
        load_template(None, {}, name="nope.txt")
    assert caught.value.message == (
        f"no built-in template 'nope.txt' (choose from {', '.join(builtin_templates())})"
    )


# -- the mailto link -----------------------------------------------------------------------


def decode(link: str) -> Draft:
    """Read a mailto link back the way a mail client does (RFC 6068)."""
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    assert parts.fragment == ""
    fields = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert set(fields) == {"subject", "body"}
    assert all(len(v) == 1 for v in fields.values())
    body = fields["body"][0]
    assert "\n" not in body.replace("\r\n", "")
    return Draft(unquote(parts.path) or None, fields["subject"][0], body.replace("\r\n", "\n"))


TRICKY = [
    Draft("dana@acme.example", "Hello", "Hi,\n\nThanks.\n\nBest regards,"),
    Draft(
        "zoë.łukasz@acme.example",
        "Zoë Łukasz: R&D? #1 at 100% + more",
        "Dear Zoë Łukasz,\n\nQ&A?  #2, 50% + 50% = 100%\nä/ö/ü; a=b&c=d\n\nŁukasz",
    ),
    Draft("a+jobs@acme.example", "a + b", "1 + 1\r\n= 2"),
    Draft(None, "No address", "Line one\nLine two"),
    Draft(
        "x@acme.example",
        "Emoji 🙂 and \u2019curly\u2019 \u201cquotes\u201d",
        "Tab\there, ?subject=no&body=no",
    ),
]


@pytest.mark.parametrize("made", TRICKY, ids=["plain", "non-ascii", "plus", "no to", "odd"])
def test_the_mailto_link_decodes_back_to_the_draft(made: Draft) -> None:
    link = mailto(made)
    assert decode(link) == replace(made, body=made.body.replace("\r\n", "\n"))
    address, query = link.removeprefix("mailto:").split("?")
    assert re.fullmatch(r"[A-Za-z0-9._~%@-]*", address)
    subject, body = query.split("&")
    for encoded in (subject.removeprefix("subject="), body.removeprefix("body=")):
        assert re.fullmatch(r"[A-Za-z0-9._~%-]*", encoded), "a reserved character is left"


def test_line_breaks_are_crlf_in_the_link() -> None:
    link = mailto(Draft("dana@acme.example", "Hi", "one\ntwo\r\nthree"))
    assert link == "mailto:dana@acme.example?subject=Hi&body=one%0D%0Atwo%0D%0Athree"


def test_without_an_address_the_link_starts_with_the_query() -> None:
    assert mailto(Draft(None, "Hi & bye", "x")) == "mailto:?subject=Hi%20%26%20bye&body=x"


def test_a_whole_draft_round_trips() -> None:
    made = draft(interview(contact_name="Zoë Łukasz"), other_offers=True)
    assert decode(mailto(made)) == made


# -- opening the mail client -----------------------------------------------------------------


def opener(folder: Path, script: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "xdg-open"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.mark.system
def test_the_link_goes_to_xdg_open(tmp_path: Path) -> None:
    record = tmp_path / "opened.txt"
    bin_dir = opener(tmp_path / "bin", 'printf "%s" "$1" > "$RECORD"\n')
    made = draft(interview(contact_name="Zoë Łukasz"), other_offers=True)
    assert open_mail_client(made, {"PATH": str(bin_dir), "RECORD": str(record)}) is None
    link = record.read_text(encoding="utf-8")
    assert link == mailto(made)
    assert decode(link) == made


def test_no_opener_on_path(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    reason = open_mail_client(draft(interview()), {"PATH": str(empty)})
    assert reason == "no desktop opener (xdg-open) found"


@pytest.mark.system
def test_an_opener_that_fails_says_why(tmp_path: Path) -> None:
    bin_dir = opener(
        tmp_path / "bin",
        "echo 'starting' >&2\necho 'no method available for opening' >&2\nexit 3\n",
    )
    reason = open_mail_client(draft(interview()), {"PATH": str(bin_dir)})
    assert reason == "xdg-open failed with status 3: no method available for opening"


@pytest.mark.system
def test_a_silent_failure_is_explained_from_the_status(tmp_path: Path) -> None:
    bin_dir = opener(tmp_path / "bin", "exit 4\n")
    reason = open_mail_client(draft(interview()), {"PATH": str(bin_dir)})
    assert reason == "xdg-open failed with status 4: no application could open the mailto link"
