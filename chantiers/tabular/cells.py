"""Reading and writing single cells: text cleaning, dates, numbers, lists, header
normalisation and spreadsheet formula neutralisation."""

import datetime
import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

# A cell starting with one of these is run as a formula by spreadsheet software.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Control characters (except tab and newlines) are refused by openpyxl and mean nothing
# to a reader.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CellError(Exception):
    """A cell that cannot be read; the message is for the user."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def ascii_fold(value) -> str:
    """'Main-d'œuvre' → 'Main-d'oeuvre', 'Étude' → 'Etude' (letters of other scripts kept)."""
    text = unicodedata.normalize("NFKD", str(value or "").translate(LIGATURES))
    return "".join(c for c in text if not unicodedata.combining(c))


def normalise(value) -> str:
    """Lower case, no accents, punctuation as single spaces: 'Étude (source)' → 'etude source'."""
    return _normalise(str(value if value is not None else ""))


@functools.lru_cache(maxsize=4096)
def _normalise(value: str) -> str:
    # Cached: a file repeats the same axes, studies and decisions on every row.
    return re.sub(r"[\W_]+", " ", ascii_fold(value).casefold()).strip()


def neutralise(value: str) -> str:
    """Prefix with `'` a text a spreadsheet would run as a formula. Exact inverse of
    `unneutralise`: a text already starting with `'` + trigger gets one more `'`."""
    return "'" + value if _needs_prefix(value) else value


def _needs_prefix(value: str) -> bool:
    stripped = value.lstrip("'")
    return bool(stripped) and stripped[0] in FORMULA_TRIGGERS


def unneutralise(value: str) -> str:
    if value.startswith("'") and _needs_prefix(value[1:]):
        return value[1:]
    return value


def text(value, *, multiline: bool = False) -> str:
    """A cell as clean text: formula prefix removed, control characters dropped,
    line endings unified, surrounding spaces trimmed."""
    if type(value) is str:
        result = value.strip()
        # Fast path: plain one-line text, the common case.
        if result.isprintable() and "  " not in result:
            return unneutralise(result) if result[:1] == "'" else result
    elif value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        value = value.isoformat()
    result = unneutralise(str(value).strip())
    result = CONTROL_CHARS.sub("", result).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        result = " ".join(result.split())
    return result.strip()


def same_text(old: str | None, new: str | None, *, multiline: bool = False) -> bool:
    return text(old or "", multiline=multiline) == text(new or "", multiline=multiline)


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")


def parse_date(value) -> datetime.date | None:
    """ISO (2026-12-31) or French day-first (31/12/2026) dates, or a date cell."""
    if blank(value):
        return None
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("« %(v)s » n'est pas une date (attendu : AAAA-MM-JJ).") % {"v": value})
    else:
        raw = text(value)
        raw = raw.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", raw) else raw
        result = None
        for fmt in DATE_FORMATS:
            try:
                result = datetime.datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        if result is None:
            raise CellError(
                _("« %(v)s » n'est pas une date valide (attendu : AAAA-MM-JJ ou JJ/MM/AAAA).")
                % {"v": raw}
            )
    if not 1900 <= result.year <= 2100:
        raise CellError(
            _("La date %(d)s est hors de la plage admise (1900 à 2100).")
            % {"d": result.isoformat()}
        )
    return result


def parse_decimal(value, *, places: int = 2, maximum: Decimal | None = None) -> Decimal | None:
    """Numbers as French and English spreadsheets write them: 12 500,50 / 12,500.50 /
    12500.5 $. Refuses negatives and values beyond `maximum`."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("« %(v)s » n'est pas un nombre.") % {"v": value})
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        raw = text(value)
        raw = re.sub(r"[\s\u00a0\u202f$€]|CAD|CA", "", raw, flags=re.IGNORECASE)
        if "," in raw and "." in raw:
            # The last separator is the decimal one: 12,500.50 or 12.500,50.
            if raw.rfind(",") > raw.rfind("."):
                raw = raw.replace(".", "").replace(",", ".")
            else:
                raw = raw.replace(",", "")
        else:
            raw = raw.replace(",", ".")
        try:
            number = Decimal(raw)
        except InvalidOperation as exc:
            raise CellError(_("« %(v)s » n'est pas un nombre.") % {"v": text(value)}) from exc
    if not number.is_finite():
        raise CellError(_("« %(v)s » n'est pas un nombre.") % {"v": text(value)})
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number < 0:
        raise CellError(_("La valeur ne peut être négative (%(v)s).") % {"v": number})
    if maximum is not None and number > maximum:
        raise CellError(
            _("La valeur %(v)s dépasse le maximum admis (%(max)s).") % {"v": number, "max": maximum}
        )
    return number


def parse_int(value, *, minimum: int, maximum: int) -> int | None:
    if blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = value if isinstance(value, int) and not isinstance(value, bool) else text(value)
    try:
        number = int(raw)
    except (TypeError, ValueError) as exc:
        raise CellError(_("« %(v)s » n'est pas un nombre entier.") % {"v": raw}) from exc
    if not minimum <= number <= maximum:
        raise CellError(
            _("La valeur %(v)s est hors de la plage admise (%(min)s à %(max)s).")
            % {"v": number, "min": minimum, "max": maximum}
        )
    return number


def split_list(value, *, separators: str = ",;\n") -> list[str]:
    """'R-001, R-002; R-003' → ['R-001', 'R-002', 'R-003'] (order kept, duplicates dropped)."""
    raw = text(value, multiline=True)
    parts = re.split("[" + re.escape(separators) + "]", raw)
    result = []
    for part in parts:
        part = " ".join(part.split())
        if part and part not in result:
            result.append(part)
    return result


def check_length(value: str, limit: int) -> str:
    if len(value) > limit:
        raise CellError(
            _("Texte trop long : %(n)d caractères pour un maximum de %(max)d.")
            % {"n": len(value), "max": limit}
        )
    return value


def display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def format_decimal(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")
