#!/usr/bin/env python3
"""Regenerates the atlas data files from Debian packages (run after upgrading them):

  apt-get install iso-codes unicode-cldr-core && python3 data/regenerate.py

- data/iso_3166-2.tsv: subdivision codes from iso-codes (LGPL-2.1-or-later).
- data/continents.tsv: country -> continent from CLDR's territory containment (Unicode licence,
  https://www.unicode.org/license.txt), the UN M.49 regions; the Americas split into North
  (Northern America, Central America, Caribbean) and South America; Antarctica on its own.
"""
import json
import re
from pathlib import Path

HERE = Path(__file__).parent
ISO = Path("/usr/share/iso-codes/json/iso_3166-2.json")
CLDR = Path("/usr/share/unicode/cldr/common/supplemental/supplementalData.xml")


def subdivisions():
    rows = sorted(json.loads(ISO.read_text())["3166-2"], key=lambda e: e["code"])
    lines = [
        "# ISO 3166-2 subdivision codes: code, English name, type. Generated from Debian's iso-codes",
        "# 4.15.0 (/usr/share/iso-codes/json/iso_3166-2.json), LGPL-2.1-or-later, by data/regenerate.py.",
    ]
    lines += [f"{e['code']}\t{e['name']}\t{e['type']}" for e in rows]
    (HERE / "iso_3166-2.tsv").write_text("\n".join(lines) + "\n")


CONTINENTS = {
    "Africa": ["002"],
    "Asia": ["142"],
    "Europe": ["150"],
    "North America": ["021", "013", "029"],
    "South America": ["005"],
    "Oceania": ["009"],
}


def continents():
    xml = CLDR.read_text()
    block = xml[xml.index("<territoryContainment>") : xml.index("</territoryContainment>")]
    groups = {}
    for m in re.finditer(r'<group type="(\w+)" contains="([^"]+)"(?: status="(\w+)")?', block):
        if m.group(3) is None:
            groups.setdefault(m.group(1), []).extend(m.group(2).split())

    def countries(code):
        if re.fullmatch(r"[A-Z]{2}", code):
            return [code]
        return [c for child in groups.get(code, []) for c in countries(child)]

    out = {"AQ": "Antarctica"}
    for name, regions in CONTINENTS.items():
        for region in regions:
            for country in countries(region):
                out.setdefault(country, name)
    lines = [
        "# Country (ISO 3166-1 alpha-2) -> continent. Generated from CLDR 41 territory containment",
        "# (Debian unicode-cldr-core, Unicode licence) by data/regenerate.py.",
    ]
    lines += [f"{c}\t{n}" for c, n in sorted(out.items())]
    (HERE / "continents.tsv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    subdivisions()
    continents()
