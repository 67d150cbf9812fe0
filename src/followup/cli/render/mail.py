"""What the commands about email say: the drafted email, the phrases ``lint`` flags, and
what the mailbox was found to say, each with the commands that answer it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from followup.values import OUTCOMES

if TYPE_CHECKING:
    from followup.config import MailSettings
    from followup.mail.check import CheckResult
    from followup.mail.drafting import Draft
    from followup.mail.folders import FolderUse
    from followup.mail.lint import Finding
    from followup.store.findings import Finding as MailFinding


def draft_json(draft: Draft) -> dict[str, Any]:
    """``draft --json``: ``{"to", "subject", "body"}``."""
    return {"to": draft.to, "subject": draft.subject, "body": draft.body}


def finding_json(f: Finding) -> dict[str, Any]:
    """``lint --json``, one object per phrase found: where (line and column, from 1), its
    category, the phrase and what to write instead."""
    return {
        "line": f.line,
        "column": f.column,
        "category": f.category,
        "phrase": f.phrase,
        "suggestion": f.suggestion,
    }


def unsigned_draft(path: Path) -> str:
    """The warning for a draft signed "[your name]": where to set the name (``path``)."""
    return (
        "the draft ends with [your name]: set your name with followup init --name NAME, "
        f"or [you] name in {path}"
    )


#: What ``lint`` says on a terminal before it waits for the email's text.
LINT_WAITING = (
    "Paste or type the email, then press Ctrl-D on a line of its own "
    "(or give a file: followup lint FILE)."
)


def mail_finding_json(f: MailFinding) -> dict[str, Any]:
    """The shape ``followup mail check --json`` prints, one object per finding."""
    return {
        "id": f.id,
        "interview_id": f.interview_id,
        "company": f.company,
        "kind": f.kind,
        "on": f.on.isoformat(),
        "from": f.sender,
        "to": ", ".join(f.recipients),
        "subject": f.subject,
    }


def mail_question(f: MailFinding) -> str:
    """The question a finding asks: "You emailed Acme on Tue 1 Dec?" or "Acme replied on
    Thu 3 Dec: 'Re: ...'"."""
    from followup.rules import short_day

    if f.kind == "sent":
        return f"You emailed {f.company} on {short_day(f.on)}?"
    return f"{f.company} replied on {short_day(f.on)}: {f.subject!r}"


def mail_finding_text(f: MailFinding) -> str:
    """A finding, with the commands that accept or dismiss it."""
    if f.kind == "sent":
        about = f"to {', '.join(f.recipients)}: {f.subject!r}"
        accept = f"followup emailed {f.interview_id} --on {f.on.isoformat()}"
    else:
        about = f"from {f.sender}"
        accept = f"followup heard {f.interview_id} --on {f.on.isoformat()} --outcome " + "|".join(
            OUTCOMES
        )
    return (
        f"[{f.id}] {mail_question(f)} ({about})\n"
        f"      yes: {accept}\n"
        f"      no:  followup mail dismiss {f.id}"
    )


def mail_check_text(result: CheckResult) -> str:
    """What ``mail check`` says: how many findings are new, then every one that waits."""
    new = len(result.new)
    lines = [f"Mailbox checked: {new} new finding{'' if new == 1 else 's'}."]
    if result.pending:
        lines += ["Waiting for your answer:"] + [mail_finding_text(f) for f in result.pending]
    else:
        lines.append("Nothing waits for your answer.")
    return "\n".join(lines)


def failed_parts(problems: Sequence[str], as_json: bool) -> list[str]:
    """The parts of a look that failed while the rest was read (a contact the server
    cannot search for, a message that cannot be read, no Sent folder), as printed on
    standard error after the findings: one ``error:`` line each, or with ``--json`` one
    error object each (``{"error": {"code": "mail", "message": ...}}``, a line each)."""
    from followup.cli.render.errors import error_json
    from followup.cli.render.text import labelled
    from followup.lifecycle.validation import visible

    if as_json:
        return [error_json("mail", visible(p)) for p in problems]
    return [labelled(p, "error") for p in problems]


#: Why a folder is read, as ``mail folders`` says it (keys: :class:`followup.mail.folders.Why`).
FOLDER_WHY = {
    "configured": "set in the config",
    "special-use": "the server flags it \\Sent",
    "known-name": "a name mail clients use for sent mail",
    "default": "the default",
}


def mail_folders_text(uses: Sequence[FolderUse], settings: MailSettings) -> str:
    """What ``mail folders`` (and ``mail check --verbose``) says: the mailbox, then each
    folder read, its role, where it is and why it was chosen."""
    where = settings.maildir or f"{settings.imap_host}:{settings.imap_port}"
    lines = [f"Mailbox: {where}"]
    for use in uses:
        role = "Sent folder" if use.role == "sent" else "Replies from"
        shown = use.name if use.where == use.name else f"{use.name} ({use.where})"
        lines.append(f"  {role}: {shown}: {FOLDER_WHY[use.why]}")
    return "\n".join(lines)


def mail_folders_json(uses: Sequence[FolderUse]) -> list[dict[str, str]]:
    """``mail folders --json``: one object per folder: role, name, where, why."""
    return [{"role": u.role, "name": u.name, "where": u.where, "why": str(u.why)} for u in uses]


def mail_findings_section(found: Sequence[MailFinding]) -> str:
    """What ``followup show`` adds for an interview with pending findings."""
    if not found:
        return ""
    lines = ["From your mailbox (reminders wait while a reply is unanswered):"]
    return "\n\n" + "\n".join(lines + [mail_finding_text(f) for f in found])


def draft_opened(interview_id: int) -> str:
    """What ``draft --open`` says once the mail client took the draft."""
    return f"Opened the draft in your mail client. Once sent: followup emailed {interview_id}"


#: The longest part of an opener's message a warning quotes, in characters.
REASON_MAX = 100


def cannot_open_mail_client(reason: str) -> str:
    """The warning after a draft printed instead of opened: why, cut to
    :data:`REASON_MAX` characters, and the command that makes a mail client the one
    ``mailto:`` links open in."""
    if len(reason) > REASON_MAX:
        reason = reason[: REASON_MAX - 1] + "…"
    return (
        f"the draft above was not opened in a mail client ({reason}); choose one with: "
        "xdg-mime default APP.desktop x-scheme-handler/mailto"
    )


def lint_text(findings: Sequence[Finding]) -> str:
    """One line per phrase found, or that none was."""
    from followup.mail import lint

    if not findings:
        return "No pressing phrases found."
    return "\n".join(lint.finding_line(f) for f in findings)


def dismissed_text(f: MailFinding) -> str:
    """What ``mail dismiss`` says: the question the finding asked."""
    return f"Dismissed: {mail_question(f)}"
