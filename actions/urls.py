from django.urls import path

from actions import import_views, views

A = "c/<slug:code>/actions/<int:pk>/"

urlpatterns = [
    path("mes-actions/", views.my_actions, name="my-actions"),
    path("c/<slug:code>/plans/", views.plan_list, name="plan-list"),
    path("c/<slug:code>/plans/nouveau/", views.plan_create, name="plan-create"),
    path("c/<slug:code>/plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("c/<slug:code>/plans/<int:pk>/modifier/", views.plan_edit, name="plan-edit"),
    path("c/<slug:code>/plans/<int:pk>/approuver/", views.plan_approve, name="plan-approve"),
    path("c/<slug:code>/actions/", views.action_list, name="action-list"),
    path("c/<slug:code>/actions/nouvelle/", views.action_create, name="action-create"),
    path(A, views.action_detail, name="action-detail"),
    path(A + "modifier/", views.action_edit, name="action-edit"),
    path(A + "avancement/", views.log_progress, name="action-log-progress"),
    path(A + "rien-de-nouveau/", views.nothing_new, name="action-nothing-new"),
    path(A + "recommandations/lier/", views.link_recommendation, name="action-link-add"),
    path(
        A + "recommandations/<int:link_pk>/delier/",
        views.unlink_recommendation,
        name="action-link-remove",
    ),
    path(A + "partenaires/ajouter/", views.partner_add, name="action-partner-add"),
    path(
        A + "partenaires/<int:partner_pk>/modifier/",
        views.partner_edit,
        name="action-partner-edit",
    ),
    path(
        A + "partenaires/<int:partner_pk>/retirer/",
        views.partner_remove,
        name="action-partner-remove",
    ),
    path(A + "jalons/ajouter/", views.milestone_add, name="action-milestone-add"),
    path(
        A + "jalons/<int:milestone_pk>/modifier/",
        views.milestone_edit,
        name="action-milestone-edit",
    ),
    path(
        A + "jalons/<int:milestone_pk>/supprimer/",
        views.milestone_remove,
        name="action-milestone-remove",
    ),
    path(
        A + "jalons/<int:milestone_pk>/atteint/",
        views.reach_milestone,
        name="action-milestone-reach",
    ),
    path(A + "indicateurs/ajouter/", views.indicator_add, name="action-indicator-add"),
    path(
        A + "indicateurs/<int:indicator_pk>/modifier/",
        views.indicator_edit,
        name="action-indicator-edit",
    ),
    path(
        A + "indicateurs/<int:indicator_pk>/mesures/",
        views.add_measurement,
        name="action-measurement-add",
    ),
    # Import / export (issue 6)
    path(
        "c/<slug:code>/actions/import/",
        import_views.action_import,
        name="action-import",
    ),
    path(
        "c/<slug:code>/actions/import/appliquer/",
        import_views.action_import_apply,
        name="action-import-apply",
    ),
    path(
        "c/<slug:code>/actions/import/modele.<str:fmt>",
        import_views.action_import_template,
        name="action-import-template",
    ),
    path(
        "c/<slug:code>/actions/export.<str:fmt>",
        import_views.action_export,
        name="action-export",
    ),
]
