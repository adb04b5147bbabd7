"""Fit the text and place models on prepared reports, and turn reports into pair-evidence vectors."""

from dataclasses import dataclass

import numpy as np

from nlp.hotspots import hazards, textvec
from nlp.hotspots.features import Prepared
from nlp.hotspots.pairs import Vectors
from nlp.hotspots.placenames import PlaceModel


@dataclass
class Models:
    """The fitted models that turn reports into vectors."""

    text: textvec.TextModel
    places: PlaceModel

    def transform(self, prep: Prepared) -> Vectors:
        """Return the vectors of prepared reports."""
        words, chars = self.text.transform(prep.tokens, prep.texts)
        places, has_place = self.places.transform(prep.soft, prep.places)
        return _vectors(prep, words, chars, places, has_place)


def _vectors(prep: Prepared, words, chars, places, has_place) -> Vectors:
    """Assemble Vectors from the parts."""
    length = np.array([len(t) for t in prep.texts], dtype=np.float32)
    return Vectors(words, chars, places, np.asarray(has_place, dtype=bool), prep.xy, prep.hours, length,
                   hazards.masks(prep.texts))


def fit(prep: Prepared, head: int = 200, place_names=()) -> tuple[Vectors, Models]:
    """Fit the models on the reports and return their vectors."""
    text, words, chars = textvec.fit(prep.tokens, prep.texts, head)
    place_model = PlaceModel(prep.soft, prep.places, place_names)
    places, has_place = place_model.fit_rows()
    return _vectors(prep, words, chars, places, has_place), Models(text, place_model)
