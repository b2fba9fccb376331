def portfolio(request, **kwargs):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "portfolio"})


def chantier_dashboard(request, **kwargs):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "chantier_dashboard"})


def meeting_report(request, **kwargs):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "meeting_report"})
