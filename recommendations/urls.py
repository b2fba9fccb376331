from django.urls import path

from recommendations import import_views, rounds, views

urlpatterns = [
    path("c/<slug:code>/recommandations/", views.recommendation_list, name="recommendation-list"),
    path(
        "c/<slug:code>/recommandations/nouvelle/",
        views.recommendation_create,
        name="recommendation-create",
    ),
    path(
        "c/<slug:code>/recommandations/<int:pk>/",
        views.recommendation_detail,
        name="recommendation-detail",
    ),
    path(
        "c/<slug:code>/recommandations/<int:pk>/modifier/",
        views.recommendation_edit,
        name="recommendation-edit",
    ),
    path(
        "c/<slug:code>/recommandations/<int:pk>/decision/",
        views.recommendation_disposition,
        name="recommendation-disposition",
    ),
    path(
        "c/<slug:code>/recommandations/<int:pk>/niveau/",
        views.recommendation_tier,
        name="recommendation-tier",
    ),
    # Import / export (issue 6)
    path(
        "c/<slug:code>/recommandations/import/",
        import_views.recommendation_import,
        name="recommendation-import",
    ),
    path(
        "c/<slug:code>/recommandations/import/appliquer/",
        import_views.recommendation_import_apply,
        name="recommendation-import-apply",
    ),
    path(
        "c/<slug:code>/recommandations/import/modele.<str:fmt>",
        import_views.recommendation_import_template,
        name="recommendation-import-template",
    ),
    path(
        "c/<slug:code>/recommandations/export.<str:fmt>",
        import_views.recommendation_export,
        name="recommendation-export",
    ),
    path("c/<slug:code>/priorisation/", rounds.workspace, name="round-workspace"),
    # Prioritisation rounds (issue 7): recommendations/rounds/
    path("c/<slug:code>/priorisation/rondes/", rounds.round_list, name="round-list"),
    path("c/<slug:code>/priorisation/rondes/ouvrir/", rounds.round_open, name="round-open"),
    path("c/<slug:code>/priorisation/comparer/", rounds.round_compare, name="round-compare"),
    path("c/<slug:code>/priorisation/rondes/<int:pk>/", rounds.workspace, name="round-detail"),
    path(
        "c/<slug:code>/priorisation/rondes/<int:pk>/parametres/",
        rounds.round_settings,
        name="round-settings",
    ),
    path(
        "c/<slug:code>/priorisation/rondes/<int:pk>/figer/",
        rounds.round_freeze,
        name="round-freeze",
    ),
    path(
        "c/<slug:code>/priorisation/rondes/<int:pk>/sensibilite/",
        rounds.round_sensitivity,
        name="round-sensitivity",
    ),
    path(
        "c/<slug:code>/priorisation/rondes/<int:pk>/export.<str:fmt>",
        rounds.round_export,
        name="round-export",
    ),
    path(
        "c/<slug:code>/priorisation/rondes/<int:pk>/niveau/<int:rec_pk>/",
        rounds.tier_override,
        name="round-override",
    ),
    path(
        "c/<slug:code>/priorisation/rondes/<int:pk>/noter/", rounds.score_cell, name="round-score"
    ),
    path(
        "c/<slug:code>/priorisation/rondes/<int:pk>/poids/",
        rounds.set_weights,
        name="round-weights",
    ),
    path(
        "c/<slug:code>/priorisation/rondes/<int:pk>/cellule/", rounds.cell_detail, name="round-cell"
    ),
]
