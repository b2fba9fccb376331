"""factory_boy factories: plain objects, no hidden side effects (no services called)."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from actions.models import (
    Action,
    ActionPartner,
    ActionPlan,
    ActionRecommendation,
    Indicator,
    Measurement,
    Milestone,
)
from chantiers.models import Chantier, CommitteeMeeting, Decision, Membership, Organisation
from recommendations.models import (
    Assessment,
    Criterion,
    PrioritisationRound,
    Recommendation,
    StrategicAxis,
    Study,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_CA")
    last_name = factory.Faker("last_name", locale="fr_CA")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("motdepasse-test")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    kind = Organisation.Kind.RESEARCH


class ChantierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chantier

    code = factory.Sequence(lambda n: f"chantier-{n}")
    name = factory.Sequence(lambda n: f"Chantier {n}")
    status = Chantier.Status.ACTIVE
    start_date = datetime.date(2026, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    chantier = factory.SubFactory(ChantierFactory)
    role = Membership.Role.STAFF


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMeeting

    chantier = factory.SubFactory(ChantierFactory)
    date = datetime.date(2026, 6, 1)
    title = factory.Sequence(lambda n: f"Comité de suivi {n}")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    kind = Decision.Kind.DECISION
    text = "Le comité approuve la démarche."


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicAxis

    chantier = factory.SubFactory(ChantierFactory)
    code = factory.Sequence(lambda n: f"AX{n}")
    name = factory.Sequence(lambda n: f"Axe {n}")


class StudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Study

    title = factory.Sequence(lambda n: f"Étude {n}")
    authors = "Équipe de recherche"
    year = 2024


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    chantier = factory.SubFactory(ChantierFactory)
    code = factory.Sequence(lambda n: f"R-{n:03d}")
    title = factory.Sequence(lambda n: f"Recommandation {n}")
    text = "Texte verbatim de l'étude."
    axis = factory.SubFactory(AxisFactory, chantier=factory.SelfAttribute("..chantier"))
    study = factory.SubFactory(StudyFactory)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrioritisationRound

    chantier = factory.SubFactory(ChantierFactory)
    name = factory.Sequence(lambda n: f"Ronde {n}")
    opened_on = datetime.date(2026, 3, 1)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(RoundFactory)
    code = factory.Sequence(lambda n: f"crit{n}")
    name = factory.Sequence(lambda n: f"Critère {n}")
    weight = Decimal("1")


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    criterion = factory.SubFactory(CriterionFactory)
    recommendation = factory.SubFactory(
        RecommendationFactory, chantier=factory.SelfAttribute("..criterion.round.chantier")
    )
    assessor = factory.SubFactory(UserFactory)
    score = 3


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    chantier = factory.SubFactory(ChantierFactory)
    title = "Plan d'action 2026-2028"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(PlanFactory)
    chantier = factory.SelfAttribute("plan.chantier")
    code = factory.Sequence(lambda n: f"A-{n:03d}")
    title = factory.Sequence(lambda n: f"Action {n}")
    start_date = datetime.date(2026, 1, 15)
    due_date = datetime.date(2027, 6, 30)


class ActionRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionRecommendation

    action = factory.SubFactory(ActionFactory)
    recommendation = factory.SubFactory(
        RecommendationFactory, chantier=factory.SelfAttribute("..action.chantier")
    )


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPartner

    action = factory.SubFactory(ActionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ActionPartner.Role.CONTRIBUTOR


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    title = factory.Sequence(lambda n: f"Jalon {n}")
    due_date = datetime.date(2026, 9, 30)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    chantier = factory.SubFactory(ChantierFactory)
    name = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = "%"
    baseline = Decimal("10")
    target = Decimal("50")


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    date = datetime.date(2026, 5, 1)
    value = Decimal("20")
    recorded_by = factory.SubFactory(UserFactory)
