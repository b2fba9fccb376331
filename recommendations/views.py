def recommendation_list(request, **kwargs):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "recommendation_list"})


def recommendation_detail(
    request, **kwargs
):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "recommendation_detail"})
