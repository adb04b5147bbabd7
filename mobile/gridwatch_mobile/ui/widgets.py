"""Widgets of the app's own (registered with Kivy's Factory for the kv files): the 开/关 switch and the pin map."""
from kivy.factory import Factory
from kivy.properties import BooleanProperty
from kivy.uix.togglebutton import ToggleButton

from .pin_map import PinMap


class AppSwitch(ToggleButton):
    """An on/off switch labelled in the app's language (Kivy's Switch paints English ON/OFF)."""

    active = BooleanProperty(False)

    def on_active(self, _instance, value):
        self.state = "down" if value else "normal"

    def on_state(self, _instance, value):
        self.active = value == "down"


Factory.register("AppSwitch", cls=AppSwitch)
Factory.register("PinMap", cls=PinMap)
