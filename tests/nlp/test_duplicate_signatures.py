"""Near-duplicate search's index and signatures: cells cover 0.3 km, stored signatures give the same answers."""
import datetime as dt
import math
import random

from nlp.hotspots import find_duplicate
from nlp.hotspots.duplicates import cell_of, cells_around, signature

NOW = dt.datetime(2026, 12, 3, 8, tzinfo=dt.timezone.utc)


def test_a_cell_and_its_ring_hold_every_point_within_0_3_km():
    rng = random.Random(3)
    for _ in range(2000):
        lat, lon = rng.uniform(18, 50), rng.uniform(75, 130)
        distance, angle = 0.3 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        near = (lat + distance * math.sin(angle) / 111.32,
                lon + distance * math.cos(angle) / (111.32 * math.cos(math.radians(lat))))
        assert cell_of(*near) in cells_around(cell_of(lat, lon))
    assert cell_of(None, 112.9) is None and cell_of(95.0, 112.9) is None


def _doc(rid, text, hours, lat=28.2, lon=112.95):
    return {"id": rid, "text": text, "created_at": NOW + dt.timedelta(hours=hours), "lat": lat, "lon": lon}


def test_stored_signatures_find_what_the_texts_find():
    recent = [_doc(1, "桂花园小区7栋楼道里煤气味好重，像是漏气了", 0), _doc(2, "人民路下穿隧道积水好深，车子开不过去", 1),
              _doc(3, "桂花园小区12栋电梯困人了", 2), _doc(4, "井盖", 2)]
    queries = [_doc(9, "桂花园7栋楼道煤气味很重，好像漏气了", 3), _doc(9, "桂花园小区7栋电梯又困人了", 3),
               _doc(9, "人民路隧道积水很深", 3), _doc(9, "井盖没了", 3), _doc(9, "", 3)]
    signed = [dict(d, signature=signature(d), text="") for d in recent]
    for query in queries:
        assert find_duplicate(query, signed) == find_duplicate(query, recent)
    assert find_duplicate(queries[0], signed) == 1
    assert signature(recent[0])["blocks"] == ["7"]
