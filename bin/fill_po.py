"""Fill a .po file's empty msgstrs from a tab-separated glossary (msgid<TAB>msgstr).

Used while writing translations: ``python bin/fill_po.py locale/zh_Hans/LC_MESSAGES/django.po glossary.tsv``.
Plural entries take the same text for every form (Chinese has one plural form).
Prints the msgids still untranslated.
"""

import sys

import polib


def main(po_path: str, glossary_path: str) -> int:
    glossary = {}
    with open(glossary_path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line and not line.startswith("#") and "\t" in line:
                source, target = line.split("\t", 1)
                glossary[source.replace("\\n", "\n")] = target.replace("\\n", "\n")
    po = polib.pofile(po_path)
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    missing = []
    for entry in po:
        target = glossary.get(entry.msgid)
        if entry.msgid_plural:
            if target:
                entry.msgstr_plural = {0: target}
            elif not entry.msgstr_plural.get(0):
                missing.append(entry.msgid)
        elif target:
            entry.msgstr = target
        elif not entry.msgstr:
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(po_path)
    for msgid in missing:
        print("untranslated:", msgid)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
