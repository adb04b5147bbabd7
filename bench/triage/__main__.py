"""python -m bench.triage --train FILE.csv --dev FILE.csv: the classifier benchmark."""
import sys

from .classify import main

if __name__ == "__main__":
    sys.exit(main())
