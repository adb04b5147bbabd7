"""GridWatch phone app entry point (buildozer runs main.py). On a desktop: ``python mobile/main.py``."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from gridwatch_mobile.__main__ import main  # noqa: E402

if __name__ == "__main__":
    main()
