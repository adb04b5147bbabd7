"""Hand-written demo report texts (``report_texts.json`` beside this file), read by build_city.py.

``incidents``: reports of one event each, with ``id``, ``title``, ``landmark``, ``offset_m`` (east, north metres from
the landmark), ``start_hours_ago``, ``span_hours`` and its ``reports`` in the order they came in. ``singletons``:
reports of their own, near a ``landmark`` or anywhere in a ``grid``, optionally ``hours_ago``.
Each report has ``text`` and optional keys: ``cat`` (category hint), ``ch`` (channel, default "app"), ``anon``,
``coords`` (False: no lat/lon, the place is named in the text), ``addr``, ``photo``, ``voice``, ``who`` (a fixed
reporter username) and ``t`` (hours after the incident's first report).
Phone, plate and ID numbers in the texts are made up, to exercise masking.
"""
import json
from pathlib import Path

_DATA = json.loads(Path(__file__).with_name("report_texts.json").read_text(encoding="utf-8"))
INCIDENTS: list[dict] = _DATA["incidents"]
SINGLETONS: list[dict] = _DATA["singletons"]
