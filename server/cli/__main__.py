"""``python -m server.cli``: the same as the ``gridwatch`` command."""
from server.cli import main

main()
