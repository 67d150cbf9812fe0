"""What ``followup stats`` says: how companies replied, as text and as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from followup.stats import Figures, Stats


#: By :class:`followup.stats.Timing` value (the module is imported only when stats are shown).
_TIMING_WORDS = {
    "by_promised_day": "by the promised day",
    "after_without_follow_up": "after it, without a follow-up",
    "only_after_follow_up": "only after the follow-up email",
    "never": "never (moved on)",
}
_UNKNOWN_DAY_WORDS = "replied on a day not recorded"


def stats_text(stats: Stats) -> str:
    """The figures of every interview, then those of each company met more than once."""
    if not stats.overall.interviews:
        return (
            "No interviews yet: the figures start with your first one "
            "(followup add COMPANY --expect DATE)."
        )
    lines = _figures_lines(stats.overall)
    if stats.companies:
        lines += ["", "By company (more than one interview):"]
        for c in stats.companies:
            lines += ["", c.company] + [f"  {line}" for line in _figures_lines(c.figures)]
    return "\n".join(lines)


def _figures_lines(f: Figures) -> list[str]:
    statuses = ", ".join(f"{s.value.replace('_', ' ')} {n}" for s, n in f.by_status.items() if n)
    lines = [f"Interviews: {f.interviews} ({statuses})"]
    outcomes = [", ".join(f"{o} {n}" for o, n in f.by_outcome.items() if n)]
    if f.next_rounds:
        outcomes.append(f"next rounds reached: {f.next_rounds}")
    if any(outcomes):
        lines.append("Outcomes: " + "; ".join(o for o in outcomes if o))
    left_out = _plural(f.open_rounds, "round still open", "rounds still open")
    if f.withdrawn_rounds:
        left_out += ("; " if left_out else "") + f"{f.withdrawn_rounds} withdrawn before a reply"
    if f.early_move_ons:
        left_out += ("; " if left_out else "") + (
            f"{f.early_move_ons} moved on from before the promised day had passed"
        )
    if not f.settled:
        lines.append(
            "No replies recorded yet, nor any interview moved on from: nothing to measure."
        )
        return lines + ([f"Not counted: {left_out}."] if left_out else [])
    rounds = _plural(f.settled, "settled round", "settled rounds")
    if not f.timed:
        lines.append(f"Replies ({rounds}): none with a recorded reply day, so no timing to show.")
        return lines + ([f"Not counted: {left_out}."] if left_out else [])
    if f.reply_day_unknown:
        rounds += f"; shares of the {f.timed} whose timing is known"
    lines.append(f"Replies ({rounds}):")
    rows = [(_TIMING_WORDS[t], str(n), f"{n / f.timed:.0%}") for t, n in f.by_timing.items()]
    if f.reply_day_unknown:
        rows.append((_UNKNOWN_DAY_WORDS, str(f.reply_day_unknown), ""))
    label = max(len(r[0]) for r in rows)
    count = max(len(r[1]) for r in rows)
    lines += [f"  {w:<{label}}  {n:>{count}}  {p:>4}".rstrip() for w, n, p in rows]
    if left_out:
        lines.append(f"Not counted: {left_out}.")
    d = f.business_days
    if d is not None:
        figures = f"median {_number(d.median)}"
        if d.q1 is not None and d.q3 is not None:
            figures += (
                f", middle half {_number(d.q1)} to {_number(d.q3)}, range {d.low} to {d.high}"
            )
        lines += [
            "Business days from the promised day to the reply "
            f"({_plural(d.n, 'reply', 'replies')}; negative: early):",
            f"  {figures}",
        ]
    return lines


def _plural(n: int, one: str, many: str) -> str:
    if not n:
        return ""
    return f"{n} {one if n == 1 else many}"


def _number(value: float) -> str:
    """1.0 -> "1", 1.5 -> "1.5", 0.25 -> "0.25"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _json_number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value.is_integer() else round(value, 2)


def _fraction(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def stats_json(stats: Stats) -> dict[str, Any]:
    """The overall figures, and a ``companies`` list of the same figures with a name::

        {"interviews": 3,
         "by_status": {"waiting": 1, "emailed": 0, "heard_back": 1, "moved_on": 1,
                       "withdrawn": 0},
         "by_outcome": {"offer": 0, "rejected": 1, "other": 0}, "next_rounds": 0,
         "rounds": {"settled": 2, "reply_day_unknown": 0, "open": 1, "withdrawn": 0,
                    "moved_on_early": 0},
         "replies": {"by_promised_day": {"count": 1, "share": 0.5}, ...,
                     "never": {"count": 1, "share": 0.5}},
         "business_days": {"n": 1, "median": 0, "q1": null, "q3": null, "min": 0, "max": 0},
         "companies": [{"company": "Acme", "interviews": 2, ...}]}

    ``share`` is a fraction of the settled rounds whose timing is known (``null`` when
    there are none); ``business_days`` is ``null`` without a reply on a known day.
    """
    return _figures_json(stats.overall) | {
        "companies": [{"company": c.company} | _figures_json(c.figures) for c in stats.companies]
    }


def _figures_json(f: Figures) -> dict[str, Any]:
    d = f.business_days
    return {
        "interviews": f.interviews,
        "by_status": {s.value: n for s, n in f.by_status.items()},
        "by_outcome": dict(f.by_outcome),
        "next_rounds": f.next_rounds,
        "rounds": {
            "settled": f.settled,
            "reply_day_unknown": f.reply_day_unknown,
            "open": f.open_rounds,
            "withdrawn": f.withdrawn_rounds,
            "moved_on_early": f.early_move_ons,
        },
        "replies": {
            t.value: {"count": n, "share": _fraction(f.share(t))} for t, n in f.by_timing.items()
        },
        "business_days": None
        if d is None
        else {
            "n": d.n,
            "median": _json_number(d.median),
            "q1": _json_number(d.q1),
            "q3": _json_number(d.q3),
            "min": d.low,
            "max": d.high,
        },
    }
