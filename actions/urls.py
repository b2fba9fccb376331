from django.urls import path

from actions import import_views, views

urlpatterns = [
    path("mes-actions/", views.my_actions, name="my-actions"),
    path("c/<slug:code>/plans/", views.plan_list, name="plan-list"),
    path("c/<slug:code>/actions/", views.action_list, name="action-list"),
    path("c/<slug:code>/actions/<int:pk>/", views.action_detail, name="action-detail"),
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
