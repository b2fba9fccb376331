"""Post-process the catalogues written by `makemessages` (see bin/update-translations).

- Header of every catalogue: language filled in, and the plural rule set to the
  language's own (Python's gettext refuses the placeholder plural expression; French
  needs plural=(n > 1) so that 0 is singular), whatever makemessages wrote.
- fr_CA: every entry that is new (empty msgstr) or fuzzy gets msgstr = msgid
  (msgstr[0] = msgid, msgstr[1] = msgid_plural), because French is the source
  language. Entries translated by hand are kept.

Works on the text, entry by entry, so the file keeps gettext's own layout.
"""

import re
import sys
from pathlib import Path

PLURALS = {"fr_CA": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}


def split_entries(text: str) -> list[list[str]]:
    return [block.split("\n") for block in text.strip("\n").split("\n\n")]


def keyword_blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """[(keyword, its string-literal lines)] for msgctxt/msgid/msgid_plural/msgstr…;
    comment lines come out as ("#", [line])."""
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("#"):
            blocks.append(("#", [line]))
        elif line.startswith('"'):
            blocks[-1][1].append(line)
        else:
            keyword, literal = line.split(" ", 1)
            blocks.append((keyword, [literal]))
    return blocks


def join_blocks(blocks: list[tuple[str, list[str]]]) -> list[str]:
    lines = []
    for keyword, literal in blocks:
        if keyword == "#":
            lines.extend(literal)
        else:
            lines.append(f"{keyword} {literal[0]}")
            lines.extend(literal[1:])
    return lines


def is_empty(literal: list[str]) -> bool:
    return all(part == '""' for part in literal)


def plural_forms(part: str, language: str) -> str:
    """The header's Plural-Forms line, forced to the language's rule: makemessages may
    write the placeholder or another language's rule, and French must treat 0 as
    singular ("0 inchangée")."""
    rule = PLURALS.get(language) or PLURALS["fr_CA" if language.startswith("fr") else "en"]
    return re.sub(r'^"Plural-Forms: .*\\n"$', f'"Plural-Forms: {rule}\\\\n"', part)


def fix_header(blocks, language: str) -> list:
    fixed = []
    for keyword, literal in blocks:
        if keyword == "#" and literal[0].startswith("#,") and "fuzzy" in literal[0]:
            continue  # the header is complete once language and plural rule are set
        if keyword == "msgstr":
            literal = [
                re.sub(r'"Language: \\n"', f'"Language: {language}\\\\n"', part).replace(
                    "charset=CHARSET", "charset=UTF-8"
                )
                for part in literal
            ]
            literal = [plural_forms(part, language) for part in literal]
        fixed.append((keyword, literal))
    return fixed


def fill_french(blocks) -> list:
    """msgstr = msgid for a new or fuzzy entry; fuzzy flag and previous msgid dropped."""
    flags = [b for b in blocks if b[0] == "#" and b[1][0].startswith("#,")]
    fuzzy = any("fuzzy" in b[1][0] for b in flags)
    strings = {k: v for k, v in blocks if k != "#"}
    msgstrs = [k for k in strings if k.startswith("msgstr")]
    if not fuzzy and not all(is_empty(strings[k]) for k in msgstrs):
        return blocks
    filled = []
    for keyword, literal in blocks:
        if keyword == "#" and literal[0].startswith("#|"):
            continue
        if keyword == "#" and literal[0].startswith("#,"):
            rest = [f.strip() for f in literal[0][2:].split(",") if f.strip() != "fuzzy"]
            if not rest:
                continue
            literal = ["#, " + ", ".join(rest)]
        elif keyword == "msgstr":
            literal = strings["msgid"]
        elif keyword == "msgstr[0]":
            literal = strings["msgid"]
        elif keyword.startswith("msgstr["):
            literal = strings["msgid_plural"]
        filled.append((keyword, literal))
    return filled


def process(path: Path) -> None:
    language = path.parent.parent.name
    entries = split_entries(path.read_text(encoding="utf-8"))
    out = []
    for lines in entries:
        blocks = keyword_blocks(lines)
        strings = dict((k, v) for k, v in blocks if k != "#")
        if strings.get("msgid") == ['""'] and "msgctxt" not in strings:
            blocks = fix_header(blocks, language)
        elif language.startswith("fr"):
            blocks = fill_french(blocks)
        out.append("\n".join(join_blocks(blocks)))
    path.write_text("\n\n".join(out) + "\n", encoding="utf-8")


def count_untranslated(path: Path) -> int:
    count = 0
    for lines in split_entries(path.read_text(encoding="utf-8"))[1:]:
        blocks = keyword_blocks(lines)
        fuzzy = any(k == "#" and v[0].startswith("#,") and "fuzzy" in v[0] for k, v in blocks)
        empty = any(k.startswith("msgstr") and is_empty(v) for k, v in blocks)
        count += fuzzy or empty
    return count


if __name__ == "__main__":
    if sys.argv[1] == "--count-untranslated":
        print(count_untranslated(Path(sys.argv[2])))
    else:
        for po in sorted(Path(sys.argv[1]).glob("*/LC_MESSAGES/django.po")):
            process(po)
