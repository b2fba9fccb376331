"""Reference data of the demo, matched by natural key so that a second run writes
nothing: organisations (name), users (username), chantiers (code), memberships
(user × chantier), strategic axes (chantier × code) and studies (title)."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from chantiers.demo import texts
from chantiers.demo.timeline import Writer, clock
from chantiers.models import Chantier, Membership, Organisation
from recommendations.models import StrategicAxis, Study


@dataclass
class Reference:
    orgs: dict[str, Organisation] = field(default_factory=dict)  # by acronym
    users: dict = field(default_factory=dict)  # by username
    chantiers: dict[str, Chantier] = field(default_factory=dict)  # by code
    axes: dict[tuple[str, str], StrategicAxis] = field(default_factory=dict)
    studies: dict[str, Study] = field(default_factory=dict)  # by texts.STUDIES key


def load_reference(writer: Writer) -> Reference:
    """Create whatever reference data is missing; leave existing rows untouched.
    Rows created now are dated at the start of the story, 14 months ago."""
    ref = Reference()
    with clock(writer.at(430, 9)):
        _organisations(writer, ref)
        _users(ref)
        _chantiers(writer, ref)
        _memberships(writer, ref)
        _axes(writer, ref)
        _studies(writer, ref)
    return ref


def _organisations(writer: Writer, ref: Reference) -> None:
    existing = {o.name: o for o in Organisation.objects.all()}
    for name, acronym, kind, website in texts.ORGANISATIONS:
        org = existing.get(name) or writer.save(
            Organisation(name=name, acronym=acronym, kind=kind, website=website)
        )
        ref.orgs[acronym] = org


def _users(ref: Reference) -> None:
    User = get_user_model()
    existing = {u.username: u for u in User.objects.filter(username__in=texts.USERS)}
    # One hash for every demo account: hashing is deliberately slow, and these accounts
    # share a published password anyway.
    password = None
    for username, (first, last, _org) in texts.USERS.items():
        user = existing.get(username)
        if user is None:
            password = password or make_password(texts.DEMO_PASSWORD)
            user = User.objects.create(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.aluquebec.example",
                password=password,
                is_staff=username == "admin",
                is_superuser=username == "admin",
            )
        ref.users[username] = user


def _chantiers(writer: Writer, ref: Reference) -> None:
    existing = {
        c.code: c for c in Chantier.objects.filter(code__in=[c[0] for c in texts.CHANTIERS])
    }
    for code, name, status, start, end, lead, mandate in texts.CHANTIERS:
        chantier = existing.get(code) or writer.save(
            Chantier(
                code=code,
                name=name,
                status=status,
                mandate=mandate,
                start_date=writer.today + datetime.timedelta(days=start),
                end_date=writer.today + datetime.timedelta(days=end) if end is not None else None,
                lead_organisation=ref.orgs[lead],
            )
        )
        ref.chantiers[code] = chantier


def _memberships(writer: Writer, ref: Reference) -> None:
    existing = set(
        Membership.objects.filter(user__username__in=texts.USERS).values_list(
            "user__username", "chantier__code"
        )
    )
    for username, code, role, org in texts.MEMBERSHIPS:
        if (username, code) not in existing:
            writer.save(
                Membership(
                    user=ref.users[username],
                    chantier=ref.chantiers[code],
                    role=role,
                    organisation=ref.orgs[org],
                )
            )


def _axes(writer: Writer, ref: Reference) -> None:
    wanted = {"aluminerie-avenir": [(c, n, d) for c, n, d in texts.AXES]}
    for code, (axes, _recs, _actions) in texts.OTHER_CHANTIERS.items():
        wanted[code] = [(c, n, "") for c, n in axes]
    existing = {
        (a.chantier.code, a.code): a
        for a in StrategicAxis.objects.filter(chantier__code__in=wanted).select_related("chantier")
    }
    for chantier_code, axes in wanted.items():
        for order, (code, name, description) in enumerate(axes, start=1):
            key = (chantier_code, code)
            ref.axes[key] = existing.get(key) or writer.save(
                StrategicAxis(
                    chantier=ref.chantiers[chantier_code],
                    code=code,
                    name=name,
                    description=description,
                    order=order,
                )
            )


def _studies(writer: Writer, ref: Reference) -> None:
    existing = {s.title: s for s in Study.objects.filter(title__in=[s[1] for s in texts.STUDIES])}
    for key, title, authors, org, year, reference in texts.STUDIES:
        ref.studies[key] = existing.get(title) or writer.save(
            Study(
                title=title,
                authors=authors,
                organisation=ref.orgs[org],
                year=year,
                reference=reference,
            )
        )
