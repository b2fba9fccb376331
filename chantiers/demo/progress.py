"""Progress histories for demo and synthetic actions.

`plan_steps` invents a plausible series of progress updates for one action from its
*profile*; `write_steps` stores them in bulk exactly as `actions.services.log_progress`
would have one by one: each ProgressUpdate and each state the action went through gets
a history row dated on the day of the update, and the action ends up following its
latest update (percent, status, last update, completion date).

Profiles:
- on_track: regular news, percent following the calendar;
- at_risk / late / blocked: the last updates say so (with a comment and blockers);
- stale: news stopped more than a reporting period ago;
- done: reached 100 % before its due date; cancelled: stopped part-way;
- not_started: one recent "not started yet" update.
"""

import copy
import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.models import Action, ActionStatus, ProgressUpdate
from chantiers.demo import texts

PROFILES = (
    "on_track",
    "at_risk",
    "late",
    "blocked",
    "stale",
    "done",
    "cancelled",
    "not_started",
)


@dataclass(frozen=True)
class Step:
    at: datetime.datetime
    percent: int
    status: str
    comment: str
    blockers: str = ""
    nothing_new: bool = False
    evidence_url: str = ""


def moment(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """An aware datetime on `day` in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def plan_steps(
    rng: random.Random,
    *,
    profile: str,
    start: datetime.date,
    due: datetime.date,
    today: datetime.date,
    setback: bool = False,
    created: datetime.date | None = None,
    cadence: tuple[int, int] = (14, 30),
) -> list[Step]:
    """A series of updates for an action of `profile`, oldest first, none after today.
    An action created well before its start gets monthly "in preparation" news."""
    planned = []
    day = (created or start) + datetime.timedelta(days=rng.randint(5, 12))
    while day < start - datetime.timedelta(days=10) and day < today - datetime.timedelta(days=25):
        comment = texts.COMMENT_PLANNED.format(date=french_date(start))
        planned.append(Step(_at(rng, day), 0, ActionStatus.NOT_STARTED, comment))
        day += datetime.timedelta(days=rng.randint(21, 30))
    return planned + _progress(
        rng, profile=profile, start=start, due=due, today=today, setback=setback, cadence=cadence
    )


def french_date(day: datetime.date) -> str:
    return f"{day.day} {texts.MONTHS[day.month - 1]} {day.year}"


def _progress(rng, *, profile, start, due, today, setback, cadence) -> list[Step]:
    if profile == "not_started":
        day = today - datetime.timedelta(days=rng.randint(3, 20))
        return [Step(_at(rng, day), 0, ActionStatus.NOT_STARTED, texts.COMMENT_NOT_STARTED)]

    first = start + datetime.timedelta(days=rng.randint(4, 14))
    if profile == "done":
        last = due - datetime.timedelta(days=rng.randint(0, 12))
    elif profile == "stale":
        last = today - datetime.timedelta(days=rng.randint(40, 110))
    elif profile == "cancelled":
        last = min(first + datetime.timedelta(days=rng.randint(90, 160)), today)
    else:
        last = today - datetime.timedelta(days=rng.randint(1, 20))
    last = min(max(last, first), today - datetime.timedelta(days=1))
    first = min(first, last)

    days = [first]
    while days[-1] + datetime.timedelta(days=cadence[1] + 5) < last:
        days.append(days[-1] + datetime.timedelta(days=rng.randint(*cadence)))
    if days[-1] != last:
        days.append(last)

    span = max((due - start).days, 1)
    elapsed = (last - start).days / span
    final = {
        "done": 100,
        "on_track": _clamp(round(elapsed * 100) + rng.randint(-5, 10), 10, 95),
        "stale": _clamp(round(elapsed * 100) - rng.randint(0, 10), 5, 80),
        "at_risk": _clamp(round(elapsed * 100) - rng.randint(10, 25), 10, 85),
        "late": rng.randint(55, 90),
        "blocked": rng.randint(20, 50),
        "cancelled": rng.randint(10, 35),
    }[profile]

    steps: list[Step] = []
    percent = 0
    n = len(days)
    setback_at = rng.randint(2, n - 2) if setback and n >= 5 else None
    for i, day in enumerate(days):
        is_last = i == n - 1
        at = _at(rng, day)
        target = _round5(final * (i + 1) / n)
        if is_last:
            steps.append(_last_step(rng, profile, at, percent, final))
            break
        if i == setback_at and percent >= 15:
            percent -= 10
            steps.append(Step(at, percent, ActionStatus.ON_TRACK, texts.COMMENT_SETBACK))
            continue
        if i > 0 and rng.random() < 0.12:
            status = steps[-1].status
            steps.append(Step(at, percent, status, texts.COMMENT_NOTHING_NEW, nothing_new=True))
            continue
        percent = max(percent, min(target, 95))
        status = ActionStatus.ON_TRACK
        blockers = ""
        comment = rng.choice(texts.COMMENTS_PROGRESS)
        # The trouble shows in the updates before the last one too.
        if profile in ("at_risk", "late", "blocked") and i >= n - 3:
            status = ActionStatus.AT_RISK
            comment = rng.choice(texts.COMMENTS_AT_RISK)
            blockers = rng.choice(texts.BLOCKERS) if rng.random() < 0.6 else ""
        steps.append(Step(at, percent, status, comment, blockers, evidence_url=_evidence(rng)))
    return steps


def _last_step(rng, profile: str, at, percent: int, final: int) -> Step:
    final = max(final, percent) if profile != "cancelled" else percent
    if profile == "done":
        return Step(
            at,
            100,
            ActionStatus.DONE,
            rng.choice(texts.COMMENTS_DONE),
            evidence_url=_evidence(rng, True),
        )
    if profile == "cancelled":
        return Step(at, percent, ActionStatus.CANCELLED, texts.COMMENT_CANCELLED)
    if profile == "late":
        return Step(
            at,
            final,
            ActionStatus.LATE,
            rng.choice(texts.COMMENTS_LATE),
            rng.choice(texts.BLOCKERS),
        )
    if profile == "blocked":
        return Step(
            at,
            final,
            ActionStatus.BLOCKED,
            rng.choice(texts.COMMENTS_BLOCKED),
            rng.choice(texts.BLOCKERS),
        )
    if profile == "at_risk":
        return Step(
            at,
            final,
            ActionStatus.AT_RISK,
            rng.choice(texts.COMMENTS_AT_RISK),
            rng.choice(texts.BLOCKERS),
        )
    return Step(
        at,
        final,
        ActionStatus.ON_TRACK,
        rng.choice(texts.COMMENTS_PROGRESS),
        evidence_url=_evidence(rng),
    )


def _at(rng: random.Random, day: datetime.date) -> datetime.datetime:
    return moment(day, rng.randint(8, 16), rng.choice((0, 10, 15, 30, 45)))


def _evidence(rng: random.Random, always: bool = False) -> str:
    if always or rng.random() < 0.15:
        return f"https://partage.example.org/documents/{rng.randint(1000, 9999)}"
    return ""


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _round5(value: float) -> int:
    return int(5 * round(value / 5))


def write_steps(pending: list[tuple[Action, Step]], *, by, batch_size: int = 1000) -> int:
    """Store `pending` (action, step) pairs in bulk, with history dated on each step.

    Side effects: ProgressUpdate rows (author = the action's owner, or `by`) and their
    history; one Action history row per step; the actions' percent, status,
    last_update_at, completed_on and version set from their latest step. The Action
    instances passed in must be fresh from the database; they are updated in place.
    Returns the number of updates written."""
    if not pending:
        return 0
    pending = sorted(pending, key=lambda pair: pair[1].at)
    updates = []
    states_by_action: dict[int, list[Action]] = defaultdict(list)
    actions: dict[int, Action] = {}
    for action, step in pending:
        update = ProgressUpdate(
            action=action,
            author_id=action.owner_id or by.pk,
            created_at=step.at,
            percent_complete=step.percent,
            status=step.status,
            comment=step.comment,
            blockers=step.blockers,
            evidence_url=step.evidence_url,
            nothing_new=step.nothing_new,
        )
        update._history_date = step.at
        updates.append(update)

        # The action follows the update, as in log_progress.
        action.percent_complete = step.percent
        action.status = step.status
        action.last_update_at = step.at
        if step.status == ActionStatus.DONE:
            action.completed_on = action.completed_on or timezone.localdate(step.at)
        else:
            action.completed_on = None
        action.version += 1
        state = copy.copy(action)
        state._history_date = step.at
        state._change_reason = step.comment[:100]
        states_by_action[action.pk].append(state)
        actions[action.pk] = action

    bulk_create_with_history(updates, ProgressUpdate, batch_size=batch_size, default_user=by)
    # Every state but the last is history only (the row itself moves on); the last
    # state is written to the row and to history together.
    intermediate = [s for states in states_by_action.values() for s in states[:-1]]
    Action.history.bulk_history_create(
        intermediate, batch_size=batch_size, update=True, default_user=by
    )
    finals = []
    for pk, action in actions.items():
        last = states_by_action[pk][-1]
        action._history_date = last._history_date
        action._change_reason = last._change_reason
        finals.append(action)
    bulk_update_with_history(
        finals,
        Action,
        ["percent_complete", "status", "last_update_at", "completed_on", "version"],
        batch_size=batch_size,
        default_user=by,
    )
    for action in finals:
        forget_history_stamp(action)
    return len(updates)


def forget_history_stamp(instance) -> None:
    """Drop the date and reason a bulk write left on an instance, so that its next
    save() is dated now and carries its own reason."""
    for attr in ("_history_date", "_change_reason"):
        if hasattr(instance, attr):
            delattr(instance, attr)
