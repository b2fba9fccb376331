"""Optimistic concurrency (VersionedModel): of two edits made from the same version,
the first wins and the second is refused, leaving the first in the database."""

import pytest
from django.db import IntegrityError, transaction

from actions.models import Action
from chantiers.models import Chantier, StaleObjectError
from recommendations.models import Recommendation
from tests.factories import ActionFactory, ChantierFactory, RecommendationFactory


def test_new_object_starts_at_version_1(db):
    chantier = ChantierFactory()

    assert Chantier.objects.get(pk=chantier.pk).version == 1


def test_save_bumps_version(db):
    chantier = ChantierFactory()

    chantier.name = "Recyclage"
    chantier.save()

    assert (chantier.version, Chantier.objects.get(pk=chantier.pk).version) == (2, 2)


def test_second_save_from_same_version_is_refused(db):
    chantier = ChantierFactory(name="Énergie")
    first = Chantier.objects.get(pk=chantier.pk)
    second = Chantier.objects.get(pk=chantier.pk)
    first.name = "Énergie verte"
    first.save()
    second.name = "Énergie propre"

    with pytest.raises(StaleObjectError) as exc, transaction.atomic():
        second.save()

    stored = Chantier.objects.get(pk=chantier.pk)
    assert (stored.name, stored.version) == ("Énergie verte", 2)
    assert second.version == 1
    assert str(exc.value) == (
        "« Énergie propre » a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert. "
        "Rechargez la page pour voir ses changements, puis refaites les vôtres."
    )
    assert [h.name for h in chantier.history.order_by("history_date")] == [
        "Énergie",
        "Énergie verte",
    ]


def test_stale_save_succeeds_after_reload(db):
    chantier = ChantierFactory(name="Énergie")
    first = Chantier.objects.get(pk=chantier.pk)
    second = Chantier.objects.get(pk=chantier.pk)
    first.name = "Énergie verte"
    first.save()
    with pytest.raises(StaleObjectError), transaction.atomic():
        second.save()

    second.refresh_from_db()
    second.mandate = "Réduire la consommation."
    second.save()

    stored = Chantier.objects.get(pk=chantier.pk)
    assert (stored.name, stored.mandate, stored.version) == (
        "Énergie verte",
        "Réduire la consommation.",
        3,
    )


def test_update_fields_save_bumps_version(db):
    action = ActionFactory(title="Former les opérateurs")

    action.title = "Former les opératrices et opérateurs"
    action.save(update_fields=["title"])

    stored = Action.objects.get(pk=action.pk)
    assert (stored.title, stored.version, action.version) == (
        "Former les opératrices et opérateurs",
        2,
        2,
    )


def test_update_fields_save_from_stale_version_is_refused(db):
    action = ActionFactory(title="Former les opérateurs", description="")
    first = Action.objects.get(pk=action.pk)
    second = Action.objects.get(pk=action.pk)
    first.title = "Premier titre"
    first.save(update_fields=["title"])
    second.description = "Une autre colonne, mais la même version."

    with pytest.raises(StaleObjectError), transaction.atomic():
        second.save(update_fields=["description"])

    stored = Action.objects.get(pk=action.pk)
    assert (stored.title, stored.description, stored.version) == ("Premier titre", "", 2)


def test_recommendation_update_fields_save_is_version_checked(db):
    rec = RecommendationFactory(title="Titre initial")
    first = Recommendation.objects.get(pk=rec.pk)
    second = Recommendation.objects.get(pk=rec.pk)
    first.title = "Titre du responsable"
    first.save(update_fields=["title"])
    second.title = "Titre du comité"

    with pytest.raises(StaleObjectError), transaction.atomic():
        second.save(update_fields=["title"])

    assert Recommendation.objects.get(pk=rec.pk).title == "Titre du responsable"


def test_save_of_deleted_object_is_refused(db):
    chantier = ChantierFactory()
    loaded = Chantier.objects.get(pk=chantier.pk)
    Chantier.objects.filter(pk=chantier.pk).delete()
    loaded.name = "Fantôme"

    with pytest.raises(StaleObjectError), transaction.atomic():
        loaded.save()

    assert Chantier.objects.filter(pk=chantier.pk).count() == 0


def test_save_refused_by_a_constraint_keeps_the_version_read(db):
    action = ActionFactory(percent_complete=10)
    action.percent_complete = 101
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()

    action.percent_complete = 20
    action.save()

    assert action.version == 2
    assert Action.objects.get(pk=action.pk).percent_complete == 20
