"""Writing the demo as a story that happened over the past months.

The services read the clock (`timezone.now()` / `timezone.localdate()`) for dates such
as a disposition's date, a round's freeze time, a meeting's closing time and its
snapshot of late and stale actions, and simple_history dates every row with it. To get
a coherent past through the very same services, the seed runs each step of the story
under `clock(moment)`, which makes `django.utils.timezone.now` return that moment.
It is only ever used by this single-threaded command, always for moments in the past.
"""

import contextlib
import datetime
import itertools
from collections.abc import Callable

from django.utils import timezone

from actions.models import Action
from chantiers.demo.progress import Step, moment, write_steps
from chantiers.history import stamp
from chantiers.models import Chantier, CommitteeMeeting, Decision, DecisionAction
from chantiers.models import DecisionRecommendation as DecisionRec


@contextlib.contextmanager
def clock(at: datetime.datetime):
    """Run the enclosed services as if it were `at` (see the module docstring)."""
    real_now = timezone.now
    timezone.now = lambda: at
    try:
        yield
    finally:
        timezone.now = real_now


class Writer:
    """Small write helpers shared by the stories: every save is stamped with the acting
    user, so every history row names it."""

    def __init__(self, *, by, today: datetime.date):
        self.by = by
        self.today = today

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    def at(self, days_ago: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
        """A moment `days_ago` days before today, at `hour` local time."""
        return moment(self.day(days_ago), hour, minute)

    def save(self, obj, reason: str = "", **kwargs):
        stamp(obj, by=self.by, reason=reason)
        obj.save(**kwargs)
        return obj

    def decide(
        self,
        meeting: CommitteeMeeting,
        kind: str,
        text: str,
        *,
        recommendations=(),
        actions=(),
        owner=None,
        due: datetime.date | None = None,
        status: str = Decision.Status.OPEN,
        follow_up: str = "",
    ) -> Decision:
        decision = self.save(
            Decision(
                meeting=meeting,
                kind=kind,
                text=text,
                follow_up_owner=owner,
                due_date=due,
                status=status,
                follow_up=follow_up,
            )
        )
        for rec in recommendations:
            self.save(DecisionRec(decision=decision, recommendation=rec))
        for action in actions:
            self.save(DecisionAction(decision=decision, action=action))
        return decision

    def follow_up(self, decision: Decision, *, status: str, text: str) -> Decision:
        decision = Decision.objects.get(pk=decision.pk)
        decision.status = status
        decision.follow_up = text
        return self.save(decision, reason=text)


class Agenda:
    """Events of one chantier waiting for their moment: callables run in time order
    under the clock, progress steps written in bulk (they only touch their action and
    its update log, so they need not interleave with the other events)."""

    def __init__(self, writer: Writer, chantier: Chantier):
        self.writer = writer
        self.chantier = chantier
        self._events: list[tuple[datetime.datetime, int, Callable[[], None]]] = []
        self._steps: list[tuple[str, Step]] = []
        self._seq = itertools.count()

    def at(self, when: datetime.datetime, fn: Callable[[], None]) -> None:
        self._events.append((when, next(self._seq), fn))

    def step(self, action_code: str, step: Step) -> None:
        self._steps.append((action_code, step))

    def run_until(self, until: datetime.datetime) -> int:
        """Run every event up to `until`, then write the progress steps up to it.
        Returns the number of progress updates written."""
        # An event may schedule others (a new action, its partners' moves): loop until
        # nothing is left before `until`.
        while due := sorted(e for e in self._events if e[0] <= until):
            self._events = [e for e in self._events if e[0] > until]
            for when, _seq, fn in due:
                with clock(when):
                    fn()
        steps = [s for s in self._steps if s[1].at <= until]
        self._steps = [s for s in self._steps if s[1].at > until]
        if not steps:
            return 0
        codes = {code for code, _step in steps}
        actions = {a.code: a for a in Action.objects.filter(chantier=self.chantier, code__in=codes)}
        return write_steps([(actions[code], s) for code, s in steps], by=self.writer.by)
