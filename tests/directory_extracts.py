"""Small extracts of the Destatis Gemeindeverzeichnis for the directory import tests: six
places of Schleswig-Holstein in the layout of the shipped CSV (the GV100AD tests write the same
places in the fixed-width layout)."""

from __future__ import annotations

from startsmart.municipalities.gemeindeverzeichnis import SHIPPED_EXTRACT

with SHIPPED_EXTRACT.open(encoding="utf-8-sig") as _file:
    HEADER = _file.readline()

SMALL = """\
10,,01,,,,,Schleswig-Holstein,,,,,,,,,,,,
40,41,01,0,01,,,"Flensburg, Stadt",,,,,,,,,,,,
60,61,01,0,01,0000,000,"Flensburg, Stadt", 53.02, 90 164,,,,24937,"9,43751","54,78252",,,01,
40,44,01,0,51,,,Dithmarschen,,,,,,,,,,,,
50,50,01,0,51,0044,,"Heide, Stadt",,,,,,,,,,,,
60,63,01,0,51,0044,044,"Heide, Stadt", 31.97, 21 852,,,,25746,"9,09452","54,19535",,,02,
50,51,01,0,51,5163,,Burg-St. Michaelisdonn,,,,,,,,,,,,
60,64,01,0,51,5163,003,Averlak, 9.17,  543,  276,  267,   59,25715,"9,19395","53,99097",,,03,
60,64,01,0,51,5163,010,Brickeln, 5.46,  214,  112,  102,   39,25712,"9,23389","54,06298",,,03,
"""
