from django.urls import path

from actions import views

urlpatterns = [
    path("mes-actions/", views.my_actions, name="my-actions"),
    path("c/<slug:code>/plans/", views.plan_list, name="plan-list"),
    path("c/<slug:code>/actions/", views.action_list, name="action-list"),
    path("c/<slug:code>/actions/<int:pk>/", views.action_detail, name="action-detail"),
]
