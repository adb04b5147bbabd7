"""Command line: python -m nlp {segment,keywords,mask,normalise} TEXT."""

import argparse
import sys

from nlp.keywords import extract
from nlp.pii import mask
from nlp.segment import default_segmenter
from nlp.text import normalise


def main(argv: list[str] | None = None) -> int:
    """Run one text operation and print the result."""
    parser = argparse.ArgumentParser(prog="python -m nlp", description=__doc__)
    parser.add_argument("command", choices=["segment", "keywords", "mask", "normalise"])
    parser.add_argument("text", nargs="?", help="text to process (default: read standard input)")
    parser.add_argument("--top-k", type=int, default=8)
    args = parser.parse_args(argv)
    text = args.text if args.text is not None else sys.stdin.read()
    if args.command == "segment":
        print(" / ".join(default_segmenter().cut(text)))
    elif args.command == "keywords":
        for word, score in extract(default_segmenter().cut(text), top_k=args.top_k):
            print(f"{word}\t{score:.4f}")
    elif args.command == "mask":
        print(mask(text))
    else:
        print(normalise(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
