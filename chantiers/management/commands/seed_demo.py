"""`manage.py seed_demo`: load the illustrative demo data, idempotently.

seed_demo                 create whatever part of the demo is missing
seed_demo --if-empty      do nothing if any chantier exists (used by `make run`)
seed_demo --user alice    act as alice in history (default: the system user)
seed_demo --scale 100     also add synthetic volume for benchmarks
"""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from chantiers import demo
from chantiers.history import system_user
from chantiers.models import Chantier


class Command(BaseCommand):
    help = _("Charge les données de démonstration (illustratives) ; sans effet si elles existent.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Ne rien faire si la base contient déjà un chantier."),
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=_("Utilisateur inscrit dans l'historique (par défaut : l'utilisateur système)."),
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help=_(
                "Ajoute un volume synthétique pour les mesures de performance : N × 120 "
                "recommandations, N × 32 actions, N × ~320 mises à jour."
            ),
        )

    def handle(self, *args, if_empty=False, user=None, scale=0, verbosity=1, **options):
        if scale < 0:
            raise CommandError(_("--scale doit être positif."))
        by = self._acting_user(user)
        started = time.monotonic()
        if if_empty and Chantier.objects.exists():
            if verbosity:
                self.stdout.write(_("La base contient déjà des chantiers : rien à charger."))
        else:
            with transaction.atomic():
                demo.seed(by=by)
            if verbosity:
                self.stdout.write(
                    _("Données de démonstration prêtes (%(s).1f s).")
                    % {"s": time.monotonic() - started}
                )
            if scale:
                from chantiers.demo.synthetic import seed_synthetic

                started = time.monotonic()
                added = seed_synthetic(
                    by=by, scale=scale, stdout=self.stdout if verbosity > 1 else None
                )
                if verbosity:
                    self.stdout.write(
                        _("Volume synthétique : %(units)d unité(s) ajoutée(s) en %(s).1f s.")
                        % {"units": added, "s": time.monotonic() - started}
                    )
        if verbosity:
            self._print_logins()

    def _acting_user(self, username):
        if not username:
            return system_user()
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(
                _("Utilisateur inconnu : %(username)s.") % {"username": username}
            ) from None

    def _print_logins(self):
        existing = set(
            get_user_model()
            .objects.filter(username__in=[u for u, _role in demo.LOGINS], is_active=True)
            .values_list("username", flat=True)
        )
        logins = [(u, role) for u, role in demo.LOGINS if u in existing]
        if not logins:
            return
        self.stdout.write("")
        self.stdout.write(
            _("Comptes de démonstration (mot de passe : %(password)s)")
            % {"password": demo.DEMO_PASSWORD}
        )
        width = max(len(u) for u, _role in logins)
        for username, role in logins:
            self.stdout.write(f"  {username.ljust(width)}  {role}")
