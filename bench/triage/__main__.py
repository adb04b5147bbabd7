"""python -m bench.triage --train FILE.csv --dev FILE.csv: the classifier benchmark."""
import sys

from .classify import main

if __name__ == "__main__":
    try:
        code = main()
    finally:  # issue 17: the severity figures in the same run (options from BENCH_SEVERITY_* variables)
        from .severity import main as severity_main
        print()
        severity_main([])
    sys.exit(code)
