"""Demo data for `manage.py seed_demo` (see chantiers/management/commands/seed_demo.py).

`seed(by=)` writes the demo chantiers and their story; `seed_synthetic(by=, scale=)`
adds the benchmark volume. Both match existing rows by natural key, so running them
again writes nothing.
"""

from django.utils import timezone

from chantiers.demo import others, story
from chantiers.demo.reference import Reference, load_reference
from chantiers.demo.texts import DEMO_PASSWORD, LOGINS, OTHER_CHANTIERS
from chantiers.demo.timeline import Writer

__all__ = ["DEMO_PASSWORD", "LOGINS", "seed"]


def seed(*, by) -> Reference:
    """Create whatever part of the demo is missing, acting as `by`."""
    writer = Writer(by=by, today=timezone.localdate())
    ref = load_reference(writer)
    for code in OTHER_CHANTIERS:
        if not others.is_seeded(ref.chantiers[code]):
            others.tell(writer, ref, code)
    if not story.is_seeded(ref):
        story.tell(writer, ref)
    return ref
