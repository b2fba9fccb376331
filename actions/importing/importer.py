"""Planning (validation, report) and applying an import of actions."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.importing.columns import (
    COLUMNS,
    LABELS,
    MAX_BUDGET,
    PARTNER_RE,
    partner_text,
    role_label,
    role_lookup,
)
from actions.models import Action, ActionPartner, ActionPlan, ActionRecommendation
from chantiers import tabular
from chantiers.history import stamp
from chantiers.models import Chantier, Membership, Organisation
from chantiers.tabular import CellError, Importer, Report, RowResult, Table
from recommendations.importing.resolvers import AxisResolver, NewAxis
from recommendations.models import Recommendation, StrategicAxis

BATCH = 500


class OrganisationResolver:
    def __init__(self):
        self.by_id: dict[int, Organisation] = {}
        self.index: dict[str, list[Organisation]] = {}
        for org in Organisation.objects.all():
            self.by_id[org.pk] = org
            self.index.setdefault(tabular.normalise(org.name), []).append(org)
            if org.acronym:
                self.index.setdefault(tabular.normalise(org.acronym), []).append(org)

    def find(self, value: str) -> list[Organisation]:
        return list({o.pk: o for o in self.index.get(tabular.normalise(value), [])}.values())

    def resolve(self, value: str) -> Organisation:
        found = self.find(value)
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(
                _("« %(v)s » désigne plusieurs organisations : indiquez le nom complet.")
                % {"v": value}
            )
        raise CellError(
            _(
                "Organisation inconnue : « %(v)s ». Les organisations sont créées par "
                "l'administration."
            )
            % {"v": value}
        )


@dataclass
class Plan:
    to_create: list[Action] = field(default_factory=list)
    to_update: list[Action] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)
    new_axes: dict[str, NewAxis] = field(default_factory=dict)
    pending_axes: list[tuple[Action, NewAxis]] = field(default_factory=list)
    link_adds: list[tuple[Action, int]] = field(default_factory=list)
    link_removes: list[ActionRecommendation] = field(default_factory=list)
    partner_adds: list[tuple[Action, int, str]] = field(default_factory=list)
    partner_updates: list[ActionPartner] = field(default_factory=list)
    partner_removes: list[ActionPartner] = field(default_factory=list)


class ActionImporter(Importer):
    columns = COLUMNS

    def __init__(self, chantier: Chantier, *, create_missing: bool = False):
        self.chantier = chantier
        self.create_missing = create_missing

    def lock(self) -> None:
        Chantier.objects.select_for_update().filter(pk=self.chantier.pk).first()

    def _load(self):
        chantier = self.chantier
        self.existing: dict[str, list[Action]] = {}
        actions = Action.objects.filter(chantier=chantier).order_by("pk")
        partners = ActionPartner.objects.filter(action__chantier=chantier)
        if self.for_update:
            actions, partners = actions.select_for_update(), partners.select_for_update()
        self.action_codes: dict[int, str] = {}
        for action in actions:
            self.existing.setdefault(action.code.casefold(), []).append(action)
            self.action_codes[action.pk] = action.code
        self.recs: dict[str, tuple[int, str]] = {
            code.casefold(): (pk, code)
            for pk, code in Recommendation.objects.filter(chantier=chantier).values_list(
                "pk", "code"
            )
        }
        self.rec_codes = {pk: code for pk, code in self.recs.values()}
        self.links: dict[int, dict[int, ActionRecommendation]] = {}
        for link in ActionRecommendation.objects.filter(action__chantier=chantier):
            self.links.setdefault(link.action_id, {})[link.recommendation_id] = link
        self.partners: dict[int, dict[int, ActionPartner]] = {}
        for partner in partners:
            self.partners.setdefault(partner.action_id, {})[partner.organisation_id] = partner
        self.plans = list(ActionPlan.objects.filter(chantier=chantier))
        self.plans_by_id = {p.pk: p for p in self.plans}
        self.plan_index: dict[str, list[ActionPlan]] = {}
        for plan in self.plans:
            self.plan_index.setdefault(tabular.normalise(plan.title), []).append(plan)
        users = {
            m.user.pk: m.user
            for m in Membership.objects.filter(chantier=chantier).select_related("user")
        }
        # Admins may own actions; so may whoever already owns one here (a former member
        # stays the owner on re-import of an export).
        users.update(
            {
                u.pk: u
                for u in get_user_model()
                .objects.filter(Q(is_superuser=True) | Q(owned_actions__chantier=chantier))
                .distinct()
            }
        )
        self.users_by_id = users
        self.user_index: dict[str, list] = {}
        for user in users.values():
            self.user_index.setdefault(user.username.casefold(), []).append(user)
            if user.email:
                self.user_index.setdefault(user.email.casefold(), []).append(user)
        self.orgs = OrganisationResolver()
        self.axes = AxisResolver(chantier, create_missing=self.create_missing)
        self.roles = role_lookup()

    def plan(self, table: Table, report: Report, *, progress) -> Plan:
        self._load()
        plan = Plan()
        seen: dict[str, int] = {}
        total = len(table.rows)
        for index, row in enumerate(table.rows):
            if index % BATCH == 0:
                progress("analyse", index, total)
            result = RowResult(number=row.number, code="")
            report.rows.append(result)
            self._plan_row(row, result, plan, seen)
        progress("analyse", total, total)
        plan.new_axes = self.axes.new
        if self.axes.new:
            report.notes.append(
                _("Axes à créer : %(names)s.")
                % {"names": ", ".join(f"{a.name} ({a.code})" for a in self.axes.new.values())}
            )
        return plan

    # -- one row --------------------------------------------------------------

    def _plan_row(self, row, result: RowResult, plan: Plan, seen: dict) -> None:
        code = tabular.text(row.cells.get("code"))
        result.code = code
        if not code:
            result.error(LABELS["code"], _("Code manquant."))
            return
        if len(code) > 30:
            result.error(LABELS["code"], _("Code trop long (30 caractères au plus)."))
            return
        key = code.casefold()
        if key in seen:
            result.error(
                LABELS["code"],
                _("Code en double dans le fichier (déjà à la ligne %(n)d).") % {"n": seen[key]},
            )
            return
        seen[key] = row.number
        matches = self.existing.get(key, [])
        if len(matches) > 1:
            result.error(
                LABELS["code"], _("Plusieurs actions du chantier ont ce code à la casse près.")
            )
            return
        action = matches[0] if matches else None
        creating = action is None
        values: dict[str, object] = {}

        def read(key, parse):
            if not row.has(key):
                return
            try:
                values[key] = parse(row.cells[key])
            except CellError as exc:
                result.error(LABELS[key], exc.message)

        read("title", lambda v: tabular.check_length(tabular.text(v), 300))
        read("description", lambda v: tabular.text(v, multiline=True))
        read("plan", self._plan_of)
        read("recommendations", self._recommendations_of)
        read("axis", lambda v: self.axes.resolve(tabular.text(v)) if tabular.text(v) else None)
        read(
            "lead_organisation",
            lambda v: self.orgs.resolve(tabular.text(v)) if tabular.text(v) else None,
        )
        read("owner", self._owner_of)
        read("partners", self._partners_of)
        read("start_date", tabular.parse_date)
        read("due_date", tabular.parse_date)
        for budget in ("budget_planned", "budget_spent"):
            read(budget, lambda v: tabular.parse_decimal(v, maximum=MAX_BUDGET) or Decimal(0))

        failed = {e.column for e in result.errors}
        if LABELS["title"] not in failed and (
            ("title" in values and not values["title"]) or (creating and "title" not in values)
        ):
            result.error(LABELS["title"], _("Titre manquant."))
        plan_obj = values.get("plan")
        if creating and plan_obj is None and LABELS["plan"] not in failed:
            if len(self.plans) == 1:
                plan_obj = self.plans[0]
            else:
                result.error(
                    LABELS["plan"],
                    _("Indiquez le plan d'action : le chantier en a plusieurs.")
                    if self.plans
                    else _("Le chantier n'a aucun plan d'action : créez-en un d'abord."),
                )
        start = values.get("start_date", action.start_date if action else None)
        due = values.get("due_date", action.due_date if action else None)
        if (
            start
            and due
            and due < start
            and not failed & {LABELS["start_date"], LABELS["due_date"]}
        ):
            result.error(
                LABELS["due_date"],
                _("L'échéance (%(due)s) précède le début (%(start)s).")
                % {"due": due.isoformat(), "start": start.isoformat()},
            )
        if result.errors:
            return

        if creating:
            action = Action(chantier=self.chantier, code=code, title=values["title"], plan=plan_obj)
            result.created = True
            result.change(LABELS["title"], "", values["title"])
            result.change(LABELS["plan"], "", plan_obj.title)
        changed: list[str] = []

        def assign(field_name, new, multiline=False):
            old = getattr(action, field_name)
            if isinstance(new, str) and isinstance(old, str):
                if tabular.same_text(old, new, multiline=multiline):
                    return
            elif old == new:
                return
            setattr(action, field_name, new)
            changed.append(field_name)
            result.change(LABELS[field_name], "" if creating else old, new)

        if not creating and "title" in values:
            assign("title", values["title"])
        if "description" in values:
            assign("description", values["description"], multiline=True)
        if not creating and plan_obj is not None and plan_obj.pk != action.plan_id:
            old_plan = self.plans_by_id.get(action.plan_id)
            action.plan = plan_obj
            changed.append("plan")
            result.change(LABELS["plan"], old_plan.title if old_plan else "", plan_obj.title)
        for name in ("start_date", "due_date", "budget_planned", "budget_spent"):
            if name in values:
                assign(name, values[name])
        self._assign_fk(action, "axis", values, creating, changed, result, plan)
        self._assign_fk(action, "lead_organisation", values, creating, changed, result, plan)
        self._assign_fk(action, "owner", values, creating, changed, result, plan)

        if creating:
            plan.to_create.append(action)
        elif changed:
            plan.to_update.append(action)
            plan.update_fields.update(changed)
        if "recommendations" in values:
            self._plan_links(action, values["recommendations"], creating, result, plan)
        if "partners" in values:
            self._plan_partners(action, values["partners"], creating, result, plan)

    def _assign_fk(self, action, name, values, creating, changed, result, plan):
        if name not in values:
            return
        target = values[name]
        lookup = {
            "axis": self.axes.by_id,
            "lead_organisation": self.orgs.by_id,
            "owner": self.users_by_id,
        }[name]
        old_id = getattr(action, f"{name}_id")
        old = lookup.get(old_id) if old_id else None

        def shown(obj):
            if obj is None:
                return ""
            if name == "owner":
                return obj.username
            return obj.name if isinstance(obj, StrategicAxis) else str(obj)

        if isinstance(target, NewAxis):
            plan.pending_axes.append((action, target))
            action.axis = None
            changed.append(name)
            result.change(LABELS[name], "" if creating else shown(old), str(target))
            return
        if old_id == (target.pk if target else None):
            return
        setattr(action, name, target)
        changed.append(name)
        result.change(LABELS[name], "" if creating else shown(old), shown(target))

    def _plan_links(self, action, wanted: list[int], creating, result, plan):
        current = {} if creating else self.links.get(action.pk, {})
        if set(wanted) == set(current):
            return
        for rec_id in wanted:
            if rec_id not in current:
                plan.link_adds.append((action, rec_id))
        for rec_id, link in current.items():
            if rec_id not in wanted:
                plan.link_removes.append(link)
        result.change(
            LABELS["recommendations"],
            ", ".join(sorted(self.rec_codes[r] for r in current)),
            ", ".join(sorted(self.rec_codes[r] for r in wanted)),
        )

    def _plan_partners(self, action, wanted: list[tuple[int, str | None]], creating, result, plan):
        current = {} if creating else self.partners.get(action.pk, {})
        before = {org_id: p.role for org_id, p in current.items()}
        after = {}
        for org_id, role in wanted:
            after[org_id] = role or before.get(org_id) or ActionPartner.Role.CONTRIBUTOR
        if before == after:
            return
        for org_id, role in after.items():
            partner = current.get(org_id)
            if partner is None:
                plan.partner_adds.append((action, org_id, role))
            elif partner.role != role:
                partner.role = role
                plan.partner_updates.append(partner)
        for org_id, partner in current.items():
            if org_id not in after:
                plan.partner_removes.append(partner)

        def listed(roles):
            items = [partner_text(self.orgs.by_id[o], r) for o, r in roles.items()]
            return "; ".join(sorted(items))

        result.change(LABELS["partners"], listed(before), listed(after))

    # -- cell parsers -----------------------------------------------------------

    def _plan_of(self, value) -> ActionPlan | None:
        raw = tabular.text(value)
        if not raw:
            return None
        found = self.plan_index.get(tabular.normalise(raw), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(_("Plusieurs plans d'action s'appellent « %(v)s ».") % {"v": raw})
        raise CellError(_("Plan d'action inconnu dans ce chantier : « %(v)s ».") % {"v": raw})

    def _recommendations_of(self, value) -> list[int]:
        codes = tabular.split_list(value)
        unknown = [c for c in codes if c.casefold() not in self.recs]
        if unknown:
            raise CellError(
                _("Recommandation(s) inconnue(s) dans ce chantier : %(codes)s.")
                % {"codes": ", ".join(unknown)}
            )
        return list(dict.fromkeys(self.recs[c.casefold()][0] for c in codes))

    def _owner_of(self, value):
        raw = tabular.text(value)
        if not raw:
            return None
        found = self.user_index.get(raw.casefold(), [])
        if len({u.pk for u in found}) == 1:
            return found[0]
        if found:
            raise CellError(_("« %(v)s » désigne plusieurs personnes.") % {"v": raw})
        raise CellError(_("Personne inconnue ou non membre du chantier : « %(v)s ».") % {"v": raw})

    def _partners_of(self, value) -> list[tuple[int, str | None]]:
        result: list[tuple[int, str | None]] = []
        for entry in tabular.split_list(value, separators=";\n"):
            org, role = None, None
            match = PARTNER_RE.match(entry)
            if match and tabular.normalise(match["role"]) in self.roles:
                role = self.roles[tabular.normalise(match["role"])]
                org = self.orgs.resolve(match["org"])
            elif match and not self.orgs.find(entry):
                raise CellError(
                    _("Rôle inconnu : « %(role)s » (admis : %(roles)s).")
                    % {
                        "role": match["role"],
                        "roles": ", ".join(role_label(r) for r in ActionPartner.Role.values),
                    }
                )
            else:
                org = self.orgs.resolve(entry)
            if any(org.pk == o for o, _r in result):
                raise CellError(_("Organisation nommée deux fois : « %(v)s ».") % {"v": org})
            result.append((org.pk, role))
        return result

    # -- writing ----------------------------------------------------------------

    def apply(self, plan: Plan, *, by, reason: str, progress) -> None:
        kwargs = {"batch_size": BATCH, "default_user": by, "default_change_reason": reason}
        if plan.new_axes:
            order = StrategicAxis.objects.filter(chantier=self.chantier).count()
            for offset, new in enumerate(plan.new_axes.values(), start=1):
                new.obj = StrategicAxis(
                    chantier=self.chantier, code=new.code, name=new.name, order=order + offset
                )
            bulk_create_with_history(
                [n.obj for n in plan.new_axes.values()], StrategicAxis, **kwargs
            )
        for action, new in plan.pending_axes:
            action.axis = new.obj
        progress("enregistrement", 0, 1)
        if plan.to_create:
            bulk_create_with_history(plan.to_create, Action, **kwargs)
        if plan.to_update:
            tabular.check_versions(
                Action.objects.filter(chantier=self.chantier),
                {a.pk: a.version for a in plan.to_update},
                codes={a.pk: a.code for a in plan.to_update},
            )
            for action in plan.to_update:
                action.version += 1
            fields = sorted(plan.update_fields | {"version"})
            bulk_update_with_history(plan.to_update, Action, fields, **kwargs)
        if plan.link_adds:
            links = [ActionRecommendation(action=a, recommendation_id=r) for a, r in plan.link_adds]
            bulk_create_with_history(links, ActionRecommendation, **kwargs)
        for link in plan.link_removes:
            stamp(link, by=by, reason=reason).delete()
        if plan.partner_adds:
            partners = [
                ActionPartner(action=a, organisation_id=o, role=r) for a, o, r in plan.partner_adds
            ]
            bulk_create_with_history(partners, ActionPartner, **kwargs)
        if plan.partner_updates:
            tabular.check_versions(
                ActionPartner.objects.filter(action__chantier=self.chantier),
                {p.pk: p.version for p in plan.partner_updates},
                codes={p.pk: self.action_codes[p.action_id] for p in plan.partner_updates},
            )
            for partner in plan.partner_updates:
                partner.version += 1
            bulk_update_with_history(
                plan.partner_updates, ActionPartner, ["role", "version"], **kwargs
            )
        for partner in plan.partner_removes:
            stamp(partner, by=by, reason=reason).delete()
        progress("enregistrement", 1, 1)


def import_actions(
    data: bytes,
    *,
    filename: str,
    chantier: Chantier,
    by,
    dry_run: bool = True,
    create_missing: bool = False,
    expected_digest: str | None = None,
    progress=None,
) -> Report:
    """Dry run (default) or apply an import of actions into `chantier`; see
    `chantiers.tabular.run_import` for the all-or-nothing rules."""
    return tabular.run_import(
        ActionImporter(chantier, create_missing=create_missing),
        data,
        filename=filename,
        by=by,
        dry_run=dry_run,
        expected_digest=expected_digest,
        progress=progress,
    )
