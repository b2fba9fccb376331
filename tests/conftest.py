"""Personas shared by every test: one chantier, its lead, a committee member, a staff
member, and an outsider who is staff of another chantier."""

import pytest

from chantiers.models import Membership
from tests.factories import ChantierFactory, MembershipFactory, UserFactory


@pytest.fixture
def chantier(db):
    return ChantierFactory(code="aluminerie-avenir", name="Aluminerie de l'avenir")


@pytest.fixture
def other_chantier(db):
    return ChantierFactory(code="autre", name="Autre chantier")


def _member(chantier, username, role):
    return MembershipFactory(user=UserFactory(username=username), chantier=chantier, role=role).user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def lead(chantier):
    return _member(chantier, "lead", Membership.Role.LEAD)


@pytest.fixture
def committee_member(chantier):
    return _member(chantier, "committee", Membership.Role.COMMITTEE)


@pytest.fixture
def staff(chantier):
    return _member(chantier, "staff", Membership.Role.STAFF)


@pytest.fixture
def outsider(other_chantier):
    return _member(other_chantier, "outsider", Membership.Role.STAFF)


# In CI every dependency (Chromium, PostgreSQL) is provided, so a skipped test means
# something is hidden: fail the run. Locally, skips stay visible in the summary (-ra).
_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    import os

    if os.environ.get("CI") == "true" and _skipped and exitstatus == 0:
        print(f"\nCI: {len(_skipped)} test(s) skipped, which CI does not allow:")
        for nodeid in _skipped[:20]:
            print(f"  {nodeid}")
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _french_by_default():
    """Start and leave every test in French, the default language: a request in English
    leaves English active in the thread, which would leak into the next test's messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
