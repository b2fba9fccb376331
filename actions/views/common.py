"""What every action page shares: scoping by chantier, turning service errors into
form errors, and the generic create / edit / remove flows."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from actions.queries import actions_for_chantier
from chantiers.history import timeline_since
from chantiers.models import StaleObjectError
from chantiers.permissions import can_edit, readable_chantier, require


def scoped_action(request, code: str, pk: int):
    """(chantier, action) if the user may read the chantier, else 404; an action of
    another chantier is a 404 too. The action is annotated `late` and `stale`."""
    chantier = readable_chantier(request.user, code)
    action = get_object_or_404(actions_for_chantier(chantier), pk=pk)
    return chantier, action


def editable_action(request, code: str, pk: int):
    chantier, action = scoped_action(request, code, pk)
    require(can_edit(request.user, chantier))
    return chantier, action


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields (or on top of the
    form for a field the form does not show)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, errors)


def show_stale(form, instance) -> list:
    """After a refused stale save: the changes made since the version the user read,
    and the user's values offered again against the current version, so that saving
    once more applies them knowingly."""
    read_version = form.cleaned_data["version"]
    current = (
        type(instance)._default_manager.filter(pk=instance.pk).values_list("version", flat=True)
    )
    data = form.data.copy()
    data[form.add_prefix("version")] = current.first()
    form.data = data
    form.add_error(
        None,
        _(
            "Quelqu'un d'autre a modifié cette fiche depuis que vous l'avez ouverte : "
            "rien n'a été enregistré. Voici ce qui a changé. Vos saisies sont conservées ; "
            "enregistrez de nouveau pour les appliquer malgré tout."
        ),
    )
    return timeline_since(instance, read_version)


def form_page(
    request,
    *,
    form,
    save: Callable[[dict], str],
    success_message: str,
    title: str,
    cancel_url: str,
    context: dict,
    instance=None,
    submit_label: str = "",
) -> HttpResponse:
    """GET shows the form; POST parses it, calls `save(cleaned_data)` (one service
    call, returning the URL to go to next) and redirects. A service ValidationError lands next to the fields and a
    stale edit (StaleObjectError) shows what changed since; in both cases nothing is
    written (the services are atomic)."""
    changes = None
    if request.method == "POST" and form.is_valid():
        try:
            next_url = save(form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        except StaleObjectError:
            changes = show_stale(form, instance)
        else:
            messages.success(request, success_message)
            return redirect(next_url)
    return render(
        request,
        "actions/form_page.html",
        {
            **context,
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "changes": changes,
            "submit_label": submit_label or _("Enregistrer"),
        },
    )


def changes_of(cleaned_data: dict, fields) -> dict:
    return {name: cleaned_data[name] for name in fields}
