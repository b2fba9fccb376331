def my_actions(request, **kwargs):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "my_actions"})


def plan_list(request, **kwargs):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "plan_list"})


def action_list(request, **kwargs):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "action_list"})


def action_detail(request, **kwargs):  # SCAFFOLD: replaced by the issue that builds this page
    from django.shortcuts import render

    return render(request, "placeholder.html", {"page_title": "action_detail"})
