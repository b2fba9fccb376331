"""Who may do what, per chantier (DESIGN §5). Every view, API endpoint, export and
dashboard asks these functions; none re-implements the table."""

from django.core.exceptions import PermissionDenied

from chantiers.models import Membership

ADMIN = "admin"
LEAD = Membership.Role.LEAD
COMMITTEE = Membership.Role.COMMITTEE
STAFF = Membership.Role.STAFF


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


def roles_by_chantier(user) -> dict[int, str]:
    """{chantier_id: role}, loaded once per user object (so once per request)."""
    if not (user and user.is_authenticated):
        return {}
    cached = getattr(user, "_chantier_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("chantier_id", "role"))
        user._chantier_roles = cached
    return cached


def role_in(user, chantier) -> str | None:
    if is_admin(user):
        return ADMIN
    chantier_id = getattr(chantier, "pk", chantier)
    return roles_by_chantier(user).get(chantier_id)


def can_read(user, chantier) -> bool:
    return role_in(user, chantier) is not None


def can_edit(user, chantier) -> bool:
    """Create and edit recommendations, dispositions, criteria, rounds, plans, actions,
    partners, meetings and decisions; import; override tiers; freeze rounds; close
    meetings; approve plans."""
    return role_in(user, chantier) in (ADMIN, LEAD)


def can_score(user, chantier) -> bool:
    return role_in(user, chantier) in (ADMIN, LEAD, COMMITTEE)


def can_log_progress(user, action) -> bool:
    role = role_in(user, action.chantier_id)
    return role in (ADMIN, LEAD) or (role == STAFF and action.owner_id == user.pk)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def readable_chantier(user, code: str):
    """The chantier `code` if `user` may read it; 404 otherwise, so that another
    chantier's existence is not even confirmed."""
    from django.http import Http404

    from chantiers.models import Chantier

    chantier = Chantier.objects.filter(code=code).first()
    if chantier is None or not can_read(user, chantier):
        raise Http404
    return chantier
