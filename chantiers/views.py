from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from chantiers.queries import chantiers_for_user


@login_not_required
@never_cache
def health(request):
    """For load balancers: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    return render(request, "chantiers/home.html", {"chantiers": chantiers_for_user(request.user)})


def chantier_detail(request, **kwargs):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "chantier_detail"})


def meeting_list(request, **kwargs):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "meeting_list"})


def meeting_detail(request, **kwargs):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "meeting_detail"})
