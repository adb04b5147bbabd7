"""python -m bench.nlp [--quick] [--only text,transcribe,cluster,incremental] [--texts FILE]."""

import argparse
import importlib
import importlib.util
import sys
import time

SECTIONS = ["text", "transcribe", "cluster", "incremental"]


def _module(name: str):
    """Import bench.nlp.<name>, or return None when that module does not exist (yet)."""
    if importlib.util.find_spec(f"bench.nlp.{name}") is None:
        return None
    return importlib.import_module(f"bench.nlp.{name}")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections in order; a missing section is skipped with a note."""
    parser = argparse.ArgumentParser(prog="python -m bench.nlp", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections to run, in this order")
    parser.add_argument("--texts", help="text section: texts to use (JSON lines with \"text\", or plain lines)")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    for name in SECTIONS:
        if name not in chosen:
            continue
        module = _module(name)
        if module is None:
            print(f"== {name}: skipped, bench/nlp/{name}.py does not exist yet ==\n", flush=True)
            continue
        start = time.perf_counter()
        if name == "text":
            module.main(quick=args.quick, texts_path=args.texts)
        else:
            module.main(quick=args.quick)
        print(f"({name}: {time.perf_counter() - start:.0f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
