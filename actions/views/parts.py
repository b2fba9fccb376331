"""What hangs on an action, edited by the lead: partners, milestones, indicators."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from actions import services
from actions.forms import (
    IndicatorEditForm,
    IndicatorForm,
    MilestoneEditForm,
    MilestoneForm,
    PartnerEditForm,
    PartnerForm,
    RemoveForm,
)
from actions.models import ActionPartner, Indicator, Milestone
from actions.views.common import changes_of, editable_action, form_page


def _detail_url(chantier, action, anchor: str) -> str:
    return f"{reverse('action-detail', args=[chantier.code, action.pk])}#{anchor}"


def _add_page(request, code, pk, *, form_class, create, fields, anchor, title, message):
    chantier, action = editable_action(request, code, pk)
    url = _detail_url(chantier, action, anchor)

    def save(data):
        create(action, by=request.user, **changes_of(data, fields))
        return url

    return form_page(
        request,
        form=form_class(request.POST or None),
        save=save,
        success_message=message,
        title=title % {"code": action.code},
        cancel_url=url,
        context={"chantier": chantier, "action": action},
    )


def _edit_page(request, code, pk, obj_pk, *, model, form_class, update, fields, anchor, title):
    chantier, action = editable_action(request, code, pk)
    obj = get_object_or_404(model, action=action, pk=obj_pk)
    url = _detail_url(chantier, action, anchor)

    def save(data):
        update(
            obj,
            by=request.user,
            version=data["version"],
            changes=changes_of(data, fields),
            reason=data["reason"],
        )
        return url

    return form_page(
        request,
        form=form_class(request.POST or None, instance=obj),
        instance=obj,
        save=save,
        success_message=_("Modifications enregistrées."),
        title=title % {"code": action.code, "name": obj},
        cancel_url=url,
        context={"chantier": chantier, "action": action},
    )


def _remove_page(request, code, pk, obj_pk, *, model, remove, anchor, title, message):
    """GET asks for confirmation (and an optional reason); POST removes."""
    chantier, action = editable_action(request, code, pk)
    obj = get_object_or_404(model, action=action, pk=obj_pk)
    url = _detail_url(chantier, action, anchor)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        label = str(obj)
        remove(obj, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, message % {"name": label})
        return redirect(url)
    return render(
        request,
        "actions/confirm_remove.html",
        {
            "chantier": chantier,
            "action": action,
            "form": form,
            "title": title % {"name": obj},
            "cancel_url": url,
        },
    )


def partner_add(request, code, pk):
    return _add_page(
        request,
        code,
        pk,
        form_class=PartnerForm,
        create=services.add_partner,
        fields=services.PARTNER_FIELDS,
        anchor="partenaires",
        title=_("%(code)s : ajouter un partenaire"),
        message=_("Partenaire ajouté."),
    )


def partner_edit(request, code, pk, partner_pk):
    return _edit_page(
        request,
        code,
        pk,
        partner_pk,
        model=ActionPartner.objects.select_related("organisation"),
        form_class=PartnerEditForm,
        update=services.update_partner,
        fields=services.PARTNER_FIELDS,
        anchor="partenaires",
        title=_("%(code)s : modifier le partenaire %(name)s"),
    )


def partner_remove(request, code, pk, partner_pk):
    return _remove_page(
        request,
        code,
        pk,
        partner_pk,
        model=ActionPartner.objects.select_related("organisation"),
        remove=services.remove_partner,
        anchor="partenaires",
        title=_("Retirer le partenaire %(name)s ?"),
        message=_("Partenaire %(name)s retiré."),
    )


def milestone_add(request, code, pk):
    return _add_page(
        request,
        code,
        pk,
        form_class=MilestoneForm,
        create=services.add_milestone,
        fields=services.MILESTONE_FIELDS,
        anchor="jalons",
        title=_("%(code)s : ajouter un jalon"),
        message=_("Jalon ajouté."),
    )


def milestone_edit(request, code, pk, milestone_pk):
    return _edit_page(
        request,
        code,
        pk,
        milestone_pk,
        model=Milestone,
        form_class=MilestoneEditForm,
        update=services.update_milestone,
        fields=services.MILESTONE_FIELDS,
        anchor="jalons",
        title=_("%(code)s : modifier le jalon « %(name)s »"),
    )


def milestone_remove(request, code, pk, milestone_pk):
    return _remove_page(
        request,
        code,
        pk,
        milestone_pk,
        model=Milestone,
        remove=services.remove_milestone,
        anchor="jalons",
        title=_("Supprimer le jalon « %(name)s » ?"),
        message=_("Jalon « %(name)s » supprimé."),
    )


def indicator_add(request, code, pk):
    return _add_page(
        request,
        code,
        pk,
        form_class=IndicatorForm,
        create=services.add_indicator,
        fields=services.INDICATOR_FIELDS,
        anchor="indicateurs",
        title=_("%(code)s : ajouter un indicateur"),
        message=_("Indicateur ajouté."),
    )


def indicator_edit(request, code, pk, indicator_pk):
    return _edit_page(
        request,
        code,
        pk,
        indicator_pk,
        model=Indicator,
        form_class=IndicatorEditForm,
        update=services.update_indicator,
        fields=services.INDICATOR_FIELDS,
        anchor="indicateurs",
        title=_("%(code)s : modifier l'indicateur « %(name)s »"),
    )
