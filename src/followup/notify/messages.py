"""What the notifications say, in the product's own polite words.

Every text here is plain: the notifier escapes a body for the servers that read it as
markup (``body-markup``), after these lengths were applied, so a cut never splits an entity.
Lengths are kept to what servers show whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from followup.cleaning import BIDI
from followup.notify.base import Note
from followup.rules import Kind, RuleSettings, long_day, short_day
from followup.values import Due, InterviewView

if TYPE_CHECKING:
    from followup.store.findings import Finding

MAX_NAME = 60
MAX_BODY = 600
SUMMARY_AFTER = 3


@dataclass(frozen=True)
class DueReminder:
    due: Due
    interview: InterviewView


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _short(text: str, limit: int = MAX_NAME) -> str:
    """The user's words (a company, a contact, a subject) as a notification shows them: on
    one line, without bidirectional controls (an override typed or imported in a company
    name would reverse the rest of the notification, which the server renders as given),
    cut to ``limit`` characters."""
    if not text.isascii():
        text = "".join(c for c in text if ord(c) not in BIDI)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reminder_title(kind: Kind, company: str) -> str:
    short = _short(company)
    return f"Time to email {short}" if kind is Kind.EMAIL else f"Time to move on from {short}"


def reminder_body(
    v: InterviewView,
    kind: Kind,
    rules: RuleSettings,
    *,
    commands: bool = True,
    markup: bool = False,
) -> str:
    """What the reminder says, with the commands that act on it unless buttons replace
    them. Plain text; ``markup`` escapes the user's words (for a reader that takes markup
    and is not a notification server: the notifiers escape what their server needs)."""
    mark = escape if markup else str
    company = mark(_short(v.company))
    if kind is Kind.EMAIL:
        who = mark(_short(v.contact_name)) if v.contact_name else "the interviewer"
        body = (
            f"It has been more than {rules.email_after_business_days} business days since "
            f"{who} at {company} said they would get back to you "
            f"({long_day(v.reply_expected_on)}). "
            "A short, polite email is better than a call: they can read it when they have "
            "a moment."
        )
        return f"{body}\n{_commands(v, kind)}" if commands else body
    emailed = long_day(v.emailed_on) if v.emailed_on else "-"
    body = (
        f"There has been no reply for {rules.move_on_after_business_days} business days "
        f"since your email to {company} on {emailed}. It is time to put your "
        "energy into other openings."
    )
    return f"{body}\n{_commands(v, kind)}" if commands else body


def _commands(v: InterviewView, kind: Kind) -> str:
    """The command lines that act on a reminder, for where no button does."""
    if kind is Kind.EMAIL:
        return f"Draft it: followup draft {v.id}\nOnce sent: followup emailed {v.id}"
    return f"Record it: followup moved-on {v.id}"


def reminder_note(
    r: DueReminder,
    rules: RuleSettings,
    app_name: str,
    *,
    buttons: bool = False,
    drawn: bool = False,
) -> Note:
    """The reminder; with ``buttons`` (the server takes actions) it carries
    :data:`ACTIONS_FOR` its kind. The body leaves out the commands only where the buttons
    are ``drawn`` (a server that offers actions in a menu, or not at all, keeps them).
    The commands come first: mako shows a body's first lines only (its default height)."""
    kind = r.due.kind
    body = reminder_body(r.interview, kind, rules, commands=False)
    if not drawn:
        body = f"{_commands(r.interview, kind)}\n{body}"
    actions = ACTIONS_FOR[kind] if buttons else ()
    return Note(reminder_title(kind, r.interview.company), body[:MAX_BODY], app_name, actions)


def summary_note(items: Sequence[DueReminder], app_name: str) -> Note:
    """Several reminders in one notification, each with the command that acts on it."""
    lines = []
    for r in items:
        company = _short(r.interview.company, 40)
        if r.due.kind is Kind.EMAIL:
            lines.append(f"Email {company}: followup draft {r.due.interview_id}")
        else:
            lines.append(f"Move on from {company}: followup moved-on {r.due.interview_id}")
    shown = lines[:8]
    if len(lines) > len(shown):
        shown.append(f"and {len(lines) - len(shown)} more: followup upcoming")
    title = f"{len(items)} follow-up reminder{'' if len(items) == 1 else 's'}"
    return Note(title, "\n".join(shown)[:MAX_BODY], app_name)


def plain_summary(count: int, app_name: str) -> Note:
    """The fallback when a server refuses a summary: the count alone, no text of the
    user's (whatever the server refused was in it), so that a refusal never turns into one
    popup per reminder."""
    return Note(f"{count} follow-up reminders", "See them with: followup upcoming", app_name)


def notes_for(
    items: Sequence[DueReminder],
    rules: RuleSettings,
    app_name: str,
    *,
    buttons: bool = False,
    drawn: bool = False,
) -> list[tuple[Note, list[DueReminder]]]:
    """One note per reminder, or a single summary (without buttons: they could not say
    which interview they are for) when more than three come at once."""
    if len(items) > SUMMARY_AFTER:
        return [(summary_note(items, app_name), list(items))]
    return [(reminder_note(r, rules, app_name, buttons=buttons, drawn=drawn), [r]) for r in items]


# -- buttons and what they answer ----------------------------------------------------------

#: Action keys name the deed, never the interview: the daemon maps the notification's id to
#: the reminder it showed. "default" is the spec's key for a click on the notification's
#: body, which GNOME Shell, Plasma and notification-daemon never draw as a button: drafting
#: has a key of its own ("draft") so that "Draft email" is a visible button there, and
#: "default" drafts too. On the move-on reminder "default" only keeps it on screen: a click
#: on the body must not record a decision. Keys are in the order buttons and menus show
#: them.
DEFAULT, DRAFT, EMAILED, SNOOZE = "default", "draft", "emailed", "snooze"
MOVED_ON, REPLIED = "moved-on", "replied"
EMAIL_ACTIONS = (
    (DEFAULT, "Draft email"),
    (DRAFT, "Draft email"),
    (EMAILED, "I emailed"),
    (SNOOZE, "Snooze"),
)
MOVE_ON_ACTIONS = (
    (DEFAULT, "Keep on screen"),
    (MOVED_ON, "Move on"),
    (REPLIED, "They replied"),
    (SNOOZE, "Snooze"),
)
ACTIONS_FOR = {Kind.EMAIL: EMAIL_ACTIONS, Kind.MOVE_ON: MOVE_ON_ACTIONS}
#: What each key does, by the reminder's kind (DEFAULT is not a deed of its own).
DRAFTS = frozenset({DEFAULT, DRAFT})
AFTER_DRAFT = ((EMAILED, "I emailed"), (SNOOZE, "Snooze"))


def next_step(view: InterviewView) -> str:
    """What comes next for the interview, as the confirmation's second sentence."""
    r = view.next_reminder
    if not view.status.is_open or r is None:
        return "No more reminders for it."
    if r.kind is Kind.EMAIL:
        return f"You'll be reminded to email them on {short_day(r.day)}."
    if view.emailed_on is not None and r.day == r.due:
        return f"If there is no reply, you'll be told on {short_day(r.day)} to move on."
    return f"You'll be told on {short_day(r.day)} to move on."


def once_sent(view: InterviewView, drawn: bool) -> str:
    """How to record the email once sent: the button where the server draws it, else the
    command (a menu's entry is not something a person sees on screen)."""
    if drawn:
        return f"Once sent, press “I emailed” (or run: followup emailed {view.id})."
    return f"Once sent, run: followup emailed {view.id}"


def confirmation(
    action: str, view: InterviewView, app_name: str, replaces_id: int, *, drawn: bool = True
) -> Note:
    """What replaces a reminder once its button was handled: what was recorded, what next.
    The title says what was done; the body says only what comes next."""
    company = _short(view.company)
    if action in DRAFTS:
        title = f"Draft opened: email {company}"
        body = f"Your mail client has the draft. {once_sent(view, drawn)}"
        return Note(title, body, app_name, AFTER_DRAFT, replaces_id)
    if action == EMAILED:
        assert view.emailed_on is not None
        done = f"emailed {company} on {short_day(view.emailed_on)}"
    elif action == SNOOZE:
        done = f"snoozed {company}"
    elif action == MOVED_ON:
        done = f"moved on from {company}"
    else:
        done = f"{company} replied"
    return Note(f"Recorded: {done}", next_step(view), app_name, (), replaces_id)


def draft_failed(view: InterviewView, why: str, app_name: str, replaces_id: int) -> Note:
    """The Draft button could not reach a mail client: say why, keep the other buttons."""
    body = f"Could not open your mail client: {why}. See the draft with: followup draft {view.id}"
    title = f"No draft opened for {_short(view.company)}"
    return Note(title, body[:MAX_BODY], app_name, AFTER_DRAFT, replaces_id)


def draft_saved(
    view: InterviewView,
    path: str,
    app_name: str,
    replaces_id: int,
    *,
    opened: bool,
    drawn: bool = True,
) -> Note:
    """No mail client took the draft: it was saved to ``path`` and, when ``opened``, opened
    as a file. Never the ``mailto:`` link itself; the other buttons stay."""
    company = _short(view.company)
    if opened:
        title = f"Draft opened: email {company}"
        body = f"No mail client took it, so it opened as a file: {path}. {once_sent(view, drawn)}"
    else:
        title = f"Draft saved: email {company}"
        body = f"See it with: followup draft {view.id}\nIt is saved in {path}"
    return Note(title, body[:MAX_BODY], app_name, AFTER_DRAFT, replaces_id)


def not_recorded(company: str, why: str, app_name: str, replaces_id: int) -> Note:
    """The answer to a button whose reminder is no longer the interview's current one."""
    body = f"Nothing was recorded: {why}"
    return Note(
        f"Nothing recorded for {_short(company)}", body[:MAX_BODY], app_name, (), replaces_id
    )


# -- questions from the mailbox --------------------------------------------------------------

#: The buttons of a finding's question: a sent finding ("You emailed Acme on Mon 7 Jan?")
#: and a reply finding ("Acme replied on Thu 10 Jan?"). Yes records what ``followup emailed
#: ID --on DAY`` or ``followup heard ID --on DAY --outcome other`` records; no is ``followup
#: mail dismiss FINDING_ID``.
MAIL_EMAILED, MAIL_NOT_IT = "mail-emailed", "mail-not-it"
MAIL_REPLIED, MAIL_NOT_REPLY = "mail-replied", "mail-not-reply"
SENT_ACTIONS = ((MAIL_EMAILED, "Yes, I emailed"), (MAIL_NOT_IT, "Not it"))
REPLY_ACTIONS = ((MAIL_REPLIED, "They replied"), (MAIL_NOT_REPLY, "Not a reply"))
FINDING_ACTIONS = {"sent": SENT_ACTIONS, "reply": REPLY_ACTIONS}


def finding_title(f: Finding) -> str:
    company = _short(f.company)
    if f.kind == "sent":
        return f"You emailed {company} on {short_day(f.on)}?"
    return f"{company} replied on {short_day(f.on)}?"


def finding_note(f: Finding, app_name: str, *, buttons: bool, drawn: bool | None = None) -> Note:
    """The question a finding asks. With ``buttons`` the answers are the actions of
    :data:`FINDING_ACTIONS`; unless they are ``drawn`` as buttons (by default: whenever
    there are buttons), the body names the commands that answer it too."""
    drawn = buttons if drawn is None else drawn
    company = _short(f.company)
    subject = _short(f.subject, 120)
    if f.kind == "sent":
        to = _short(", ".join(f.recipients), 120)
        body = (
            f"Your Sent folder has a message to {to} on {long_day(f.on)}: “{subject}”. "
            "Was it your follow-up email?"
        )
        yes = f"followup emailed {f.interview_id} --on {f.on.isoformat()}"
    else:
        sender = _short(f.sender or "an address at the company", 120)
        body = (
            f"A message from {sender} on {long_day(f.on)}: “{subject}”. "
            f"Reminders for {company} wait until you answer."
        )
        yes = (
            f"followup heard {f.interview_id} --on {f.on.isoformat()} "
            "--outcome offer|rejected|next-round|other"
        )
    if not drawn:
        body += f"\nYes: {yes}\nNo: followup mail dismiss {f.id}"
    actions = FINDING_ACTIONS[f.kind] if buttons else ()
    return Note(finding_title(f), body[:MAX_BODY], app_name, actions)


def finding_dismissed(f: Finding, view: InterviewView, app_name: str, replaces_id: int) -> Note:
    """What replaces a finding's question once "Not it" / "Not a reply" was recorded."""
    company = _short(f.company)
    done = f"not your email to {company}" if f.kind == "sent" else f"not a reply from {company}"
    body = f"Dismissed: {done}. {next_step(view)}"
    return Note(f"Dismissed: {done}", body[:MAX_BODY], app_name, (), replaces_id)


def findings_summary(found: Sequence[Finding], app_name: str) -> Note:
    """Several questions at once: one notification naming each, answered in the terminal."""
    lines = [f"[{f.id}] {finding_title(f)}" for f in found[:8]]
    if len(found) > 8:
        lines.append(f"and {len(found) - 8} more")
    lines.append("Answer them: followup mail check")
    title = f"{len(found)} questions from your mailbox"
    return Note(title, "\n".join(lines)[:MAX_BODY], app_name)
