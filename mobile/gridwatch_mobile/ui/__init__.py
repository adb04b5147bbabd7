"""The Kivy screens: a ScreenManager with one .kv file per screen."""
