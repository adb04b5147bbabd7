"""Run the app: ``python -m mobile.gridwatch_mobile [--server URL] [--storage DIR]``."""
import argparse
import os


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="GridWatch phone app")
    parser.add_argument("--server", help="server address, e.g. http://127.0.0.1:5000 (saved in the settings)")
    parser.add_argument("--storage", help="folder for the app's data (default: Kivy's user data folder)")
    args, _rest = parser.parse_known_args(argv)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from .ui.app import GridWatchApp
    app = GridWatchApp(storage_dir=args.storage)
    if args.server:
        app.initial_server = args.server
    app.run()


if __name__ == "__main__":
    main()
