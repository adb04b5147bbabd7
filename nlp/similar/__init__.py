"""Similar closed cases: stored hashed-n-gram vectors and an index combining text, category and place."""

from nlp.similar.index import CaseIndex, CaseRow, Match, Weights
from nlp.similar.vectors import decode, encode, features

__all__ = ["CaseIndex", "CaseRow", "Match", "Weights", "decode", "encode", "features"]
