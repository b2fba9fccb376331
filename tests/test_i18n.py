"""The translation catalogues: French complete, compiled files in step with the .po
files (so the app never needs gettext at run time), English switch working."""

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / "locale"


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr (a string,
    or a list for plural forms), flags. Obsolete (#~) entries are skipped."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": set()}
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[current] += ast.literal_eval(line)
            else:
                keyword, literal = line.split(" ", 1)
                current = keyword
                entry[keyword] = ast.literal_eval(literal)
        if "msgid" not in entry:
            continue
        if "msgid_plural" in entry:
            entry["msgstr"] = [
                entry.pop(k) for k in sorted(k for k in entry if k.startswith("msgstr["))
            ]
        entries.append(entry)
    return entries


def compiled_translations(entries: list[dict]) -> dict:
    """What msgfmt puts in the .mo: every non-fuzzy translated entry, keyed like
    Python's gettext catalogue."""
    catalog = {}
    for e in entries:
        if not e["msgid"] or "fuzzy" in e["flags"]:
            continue
        key = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if isinstance(e["msgstr"], list):
            if all(e["msgstr"]):
                catalog.update({(key, n): s for n, s in enumerate(e["msgstr"])})
        elif e["msgstr"]:
            catalog[key] = e["msgstr"]
    return catalog


def test_french_catalogue_has_no_untranslated_or_fuzzy_entry():
    entries = read_po(LOCALE / "fr_CA" / "LC_MESSAGES" / "django.po")[1:]

    untranslated = [
        e["msgid"]
        for e in entries
        if "fuzzy" in e["flags"]
        or (not all(e["msgstr"]) if isinstance(e["msgstr"], list) else not e["msgstr"])
    ]

    assert len(entries) > 100
    assert untranslated == []


@pytest.mark.parametrize("language", ["fr_CA", "en"])
def test_compiled_catalogue_matches_its_po_file(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog

    expected = compiled_translations(read_po(folder / "django.po"))

    actual = {k: v for k, v in compiled.items() if k != ""}
    assert actual == expected, "run bin/update-translations and commit the .mo files"


def test_english_catalogue_translates_the_interface():
    entries = read_po(LOCALE / "en" / "LC_MESSAGES" / "django.po")[1:]

    untranslated = [e["msgid"] for e in entries if not e["msgstr"] or "fuzzy" in e["flags"]]

    # New strings may arrive before their translation; the interface's must not be many.
    assert len(untranslated) <= len(entries) // 10, untranslated


def test_interface_switches_to_english(client, lead, chantier):
    client.force_login(lead)

    french = client.get(f"/c/{chantier.code}/recommandations/")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/c/{chantier.code}/recommandations/")

    assert "Recommandations" in french.content.decode()
    assert 'lang="en"' in english.content.decode()
    assert "Without disposition only" in english.content.decode()
    with translation.override("en"):
        assert translation.gettext("Donner une décision") == "Give a disposition"
