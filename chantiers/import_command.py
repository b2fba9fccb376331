"""Shared body of the `import_recommendations` and `import_actions` commands: the same
dry run / apply and the same per-row report as the web page, on the terminal.

Exit status: 0 when the file is valid (and applied unless --dry-run), 1 when rows are
in error (nothing written), 2 when the file, the chantier or the user is unusable.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chantiers import tabular
from chantiers.history import system_user
from chantiers.models import Chantier

STAGES = {"analyse": gettext_lazy("Analyse"), "enregistrement": gettext_lazy("Enregistrement")}


class ProgressBar:
    """`Analyse [##########----------]  50 % (5 000/10 000)` redrawn in place on stderr."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream  # a command's OutputWrapper
        self.last = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        total = max(total, 1)
        filled = self.WIDTH * done // total
        line = (
            f"\r{str(STAGES.get(stage, stage)):<15} [{'#' * filled}{'-' * (self.WIDTH - filled)}] "
            f"{100 * done // total:3d} % ({done}/{total})"
        )
        if line != self.last:
            self.stream.write(line, ending="\n" if done >= total else "")
            self.stream.flush()
            self.last = line


class ImportCommand(BaseCommand):
    kind_label = ""  # "recommandations" / "actions"

    def run_import(self, data: bytes, **kwargs) -> tabular.Report:  # pragma: no cover
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier .csv ou .xlsx")
        parser.add_argument("--chantier", required=True, help="Code du chantier")
        parser.add_argument(
            "--dry-run", action="store_true", help="Essai : montre le rapport, n'écrit rien."
        )
        parser.add_argument(
            "--user",
            help="Nom d'utilisateur inscrit à l'historique (par défaut : le compte système).",
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Crée les axes (et études) inconnus au lieu de refuser les lignes.",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Affiche la barre de progression même hors d'un terminal.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        chantier = Chantier.objects.filter(code=options["chantier"]).first()
        if chantier is None:
            raise CommandError(
                _("Chantier inconnu : %(code)s") % {"code": options["chantier"]}, returncode=2
            )
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(
                    _("Utilisateur inconnu : %(name)s") % {"name": options["user"]}, returncode=2
                )
        else:
            user = system_user()
        try:
            tabular.check_size(path.stat().st_size)
            data = path.read_bytes()
        except tabular.TabularError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        except OSError as exc:
            raise CommandError(
                _("Fichier illisible : %(err)s") % {"err": exc}, returncode=2
            ) from exc

        show_progress = options["progress"] or self.stderr.isatty()
        report = self.run_import(
            data,
            filename=path.name,
            chantier=chantier,
            by=user,
            dry_run=options["dry_run"],
            create_missing=options["create_missing"],
            progress=ProgressBar(self.stderr) if show_progress else None,
        )
        # -v 0: the file's problems, the rows in error and the totals only.
        lines = report.text_lines(errors_only=options["verbosity"] < 1)
        for line in lines:
            self.stdout.write(line)
        if report.file_errors:  # the file, the limits or the database: not a row problem
            raise CommandError(report.file_errors[0], returncode=2)
        if report.has_errors:
            raise CommandError(
                _("%(n)d ligne(s) en erreur : rien n'a été enregistré.")
                % {"n": len(report.error_rows)},
                returncode=1,
            )
        if options["dry_run"]:
            self.stdout.write(_("Essai seulement : rien n'a été enregistré."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Importation des %(kind)s appliquée en %(s)s s.")
                    % {"kind": self.kind_label, "s": f"{report.seconds:.1f}"}
                )
            )
