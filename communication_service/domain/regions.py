"""Pure postal code → Bundesland: which state's public holidays a practice keeps (call slots).

Source: the Deutsche Post "Leitregionen" (first two digits) as listed in Wikipedia's "Liste der
Postleitregionen in Deutschland" and the state boundaries of OpenGeoDB's PLZ table (as of 2024),
condensed to ranges of the first three digits. A Leitregion that crosses a state border is split
at the three-digit level; inside a three-digit area that still crosses a border, the state of
most of its places wins. The result only picks a holiday calendar, so this approximation is
harmless: an unknown or unmatched code falls back to the configured region (nationwide).
"""

from __future__ import annotations

from bisect import bisect_right

# (first three-digit prefix of the range, Bundesland code of `holidays`), sorted; each range
# runs up to the next entry. "" marks prefixes that are not assigned.
_RANGES: tuple[tuple[int, str], ...] = (
    (0, ""),
    (10, "SN"),  # 010-029 Dresden, Bautzen, Görlitz
    (30, "BB"),  # 030-039 Cottbus
    (40, "SN"),  # 040-045 Leipzig
    (46, "TH"),  # 046 Altenburg
    (47, "SN"),  # 047-048 Grimma, Torgau
    (49, "ST"),  # 049, 060-065 Halle, Dessau
    (65, "TH"),  # 065-066 Kyffhäuser
    (67, "ST"),  # 067-069 Weißenfels, Wittenberg
    (70, "TH"),  # 070-079 Gera, Jena
    (80, "SN"),  # 080-099 Zwickau, Plauen, Chemnitz
    (100, "BE"),  # 100-141 Berlin
    (142, "BB"),  # 142-169 Potsdam, Frankfurt (Oder), Oranienburg
    (170, "MV"),  # 170-172 Neubrandenburg
    (172, "BB"),  # 172-173 Templin, Prenzlau
    (174, "MV"),  # 174-192 Greifswald, Rostock, Schwerin
    (193, "BB"),  # 193 Prignitz
    (194, "MV"),  # 194-199 Parchim, Ludwigslust
    (200, "HH"),  # 200-211 Hamburg
    (212, "NI"),  # 212-214 Lüneburg, Harburg district
    (215, "SH"),  # 215 Glinde, Geesthacht
    (216, "NI"),  # 216-217 Stade, Buxtehude
    (218, "SH"),  # 218-219 Lauenburg district
    (220, "HH"),  # 220-227 Hamburg
    (228, "SH"),  # 228-238 Norderstedt, Ahrensburg, Lübeck
    (239, "MV"),  # 239 Grevesmühlen, Wismar
    (240, "SH"),  # 240-259 Kiel, Flensburg, Itzehoe
    (260, "NI"),  # 260-274 Oldenburg, Wilhelmshaven, Cuxhaven
    (275, "HB"),  # 275-276 Bremerhaven
    (277, "NI"),  # 277-279 Delmenhorst, Verden
    (280, "HB"),  # 280-287 Bremen
    (288, "NI"),  # 288-293 Achim, Celle, Uelzen
    (294, "ST"),  # 294 Salzwedel
    (295, "NI"),  # 295-319 Lüchow, Hannover, Hildesheim
    (320, "NW"),  # 320-339 Herford, Bielefeld, Paderborn, Höxter
    (340, "HE"),  # 340-349 Kassel, Waldeck
    (350, "HE"),  # 350-364 Marburg, Gießen, Fulda
    (364, "TH"),  # 364-369 Bad Salzungen, Meiningen
    (370, "NI"),  # 370-371 Göttingen
    (372, "HE"),  # 372 Witzenhausen
    (373, "TH"),  # 373 Heiligenstadt
    (374, "NI"),  # 374-388 Northeim, Goslar, Braunschweig
    (388, "ST"),  # 388-399 Halberstadt, Magdeburg
    (400, "NW"),  # 400-484 Düsseldorf, Ruhr, Münster
    (485, "NI"),  # 485-487 Nordhorn, Lingen
    (488, "NW"),  # 488 Rheine
    (489, "NI"),  # 489-493 Osnabrück, Vechta
    (494, "NW"),  # 494-495 Ibbenbüren, Lübbecke
    (496, "NI"),  # 496-499 Cloppenburg, Meppen
    (500, "NW"),  # 500-533 Köln, Aachen, Bonn
    (534, "RP"),  # 534-535 Ahrweiler
    (536, "NW"),  # 536-539 Bad Honnef, Siebengebirge
    (540, "RP"),  # 540-569 Trier, Mainz, Koblenz
    (570, "NW"),  # 570-574 Siegen, Olpe
    (575, "RP"),  # 575-576 Betzdorf, Altenkirchen
    (577, "NW"),  # 577-599 Hagen, Arnsberg, Hamm
    (600, "HE"),  # 600-636 Frankfurt, Offenbach, Hanau
    (637, "BY"),  # 637-639 Aschaffenburg, Miltenberg
    (640, "HE"),  # 640-654 Darmstadt, Wiesbaden
    (655, "RP"),  # 655-656 Nassau, Diez
    (657, "HE"),  # 657-659 Limburg, Main-Taunus
    (660, "SL"),  # 660-668 Saarbrücken, Homburg, Merzig
    (669, "RP"),  # 669-679 Pirmasens, Kaiserslautern, Ludwigshafen
    (680, "BW"),  # 680-684 Mannheim
    (685, "HE"),  # 685-686 Viernheim, Lampertheim
    (687, "BW"),  # 687-693 Schwetzingen, Heidelberg
    (694, "HE"),  # 694 Hirschhorn
    (695, "BW"),  # 695-767 Weinheim, Stuttgart, Heilbronn, Karlsruhe
    (767, "RP"),  # 767-769 Germersheim, Landau
    (770, "BW"),  # 770-799 Offenburg, Freiburg, Konstanz
    (800, "BY"),  # 800-880 München, Augsburg, Kempten
    (880, "BW"),  # 880 Friedrichshafen
    (881, "BY"),  # 881 Lindau
    (882, "BW"),  # 882-892 Ravensburg, Biberach, Ulm
    (892, "BY"),  # 892-899 Neu-Ulm, Günzburg
    (900, "BY"),  # 900-978 Nürnberg, Regensburg, Würzburg
    (979, "BW"),  # 979 Wertheim, Tauberbischofsheim
    (980, "TH"),  # 980-999 Suhl, Erfurt, Gotha
)
_STARTS = tuple(start for start, _ in _RANGES)
_POSTAL_CODE_LENGTH = 5


def federal_state(postal_code: str | None) -> str | None:
    """The Bundesland code (`holidays` subdivision, e.g. "NW") of a German postal code, or None."""
    code = (postal_code or "").strip()
    if len(code) != _POSTAL_CODE_LENGTH or not code.isdigit():
        return None
    state = _RANGES[bisect_right(_STARTS, int(code[:3])) - 1][1]
    return state or None
