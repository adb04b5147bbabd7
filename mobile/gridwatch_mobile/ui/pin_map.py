"""A map (clipped to its box) to drop and move a pin: the grid polygons (offline), tiles when a tile server is configured, pan and zoom."""
import hashlib
import os

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Ellipse, Line, Mesh, Rectangle, Triangle
from kivy.graphics.tesselator import TYPE_POLYGONS, WINDING_ODD, Tesselator
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.stencilview import StencilView

from ..core import geo
from ..core.base_map import bounds, rings
from .tasks import run_async

TAP_SLOP = dp(10)
MIN_ZOOM, MAX_ZOOM = 3.0, 19.0


class PinMap(StencilView):
    """Tap to drop the pin, drag the pin to move it, drag elsewhere to pan; ``on_pin(lat, lon)`` after each change."""

    features = ListProperty([])
    pin = ListProperty([])            # [] or [lat, lon]
    center_lat = NumericProperty(28.2282)
    center_lon = NumericProperty(112.9388)
    zoom = NumericProperty(14.0)
    interactive = BooleanProperty(True)
    tile_url = StringProperty("")
    tile_dir = StringProperty("")
    fetch_tile = ObjectProperty(None, allownone=True)  # (url, path) -> None, in a thread

    __events__ = ("on_pin",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._drag = None  # "pin" | "pan" | None
        self._grip = (0, 0)
        self._start = None
        self._moved = False
        self._pending_tiles = set()
        self._redraw_event = Clock.create_trigger(lambda _dt: self._redraw(), 0)
        self.bind(pos=self._redraw_event, size=self._redraw_event, features=self._redraw_event,
                  pin=self._redraw_event, center_lat=self._redraw_event, center_lon=self._redraw_event,
                  zoom=self._redraw_event, tile_url=self._redraw_event)

    def on_pin(self, lat, lon):
        pass

    # --- projection -------------------------------------------------------------------------------
    def to_screen(self, lat: float, lon: float) -> tuple[float, float]:
        """Widget coordinates of a point."""
        cx, cy = geo.to_pixels(self.center_lat, self.center_lon, self.zoom)
        x, y = geo.to_pixels(lat, lon, self.zoom)
        return self.center_x + (x - cx), self.center_y - (y - cy)

    def to_degrees(self, sx: float, sy: float) -> tuple[float, float]:
        """(lat, lon) under a point of the widget."""
        cx, cy = geo.to_pixels(self.center_lat, self.center_lon, self.zoom)
        return geo.to_degrees(cx + (sx - self.center_x), cy - (sy - self.center_y), self.zoom)

    def fit(self) -> None:
        """Show every grid (or stay where the pin is)."""
        box = bounds(self.features)
        if self.pin:
            self.center_lat, self.center_lon = self.pin
            self.zoom = max(self.zoom, 16.0)
        elif box and self.width > 10:
            min_lon, min_lat, max_lon, max_lat = box
            self.center_lat, self.center_lon = (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
            self.zoom = geo.zoom_to_fit(min_lon, min_lat, max_lon, max_lat, self.width * 0.9, self.height * 0.9)

    def zoom_by(self, step: float) -> None:
        self.zoom = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom + step))

    def set_pin(self, lat: float, lon: float, centre: bool = False) -> None:
        self.pin = [lat, lon]
        if centre:
            self.center_lat, self.center_lon = lat, lon
        self.dispatch("on_pin", lat, lon)

    # --- touches ----------------------------------------------------------------------------------
    def on_touch_down(self, touch):
        if not self.interactive or not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        if touch.is_mouse_scrolling:
            self.zoom_by(0.5 if touch.button == "scrolldown" else -0.5)
            return True
        if touch.is_double_tap:
            self.zoom_by(1.0)
            return True
        touch.grab(self)
        tip = self.to_screen(*self.pin) if self.pin else None
        near_pin = tip is not None and _distance(touch.pos, (tip[0], tip[1] + dp(16))) < dp(32)  # the pin's body
        self._drag, self._start, self._moved = ("pin" if near_pin else "pan"), touch.pos, False
        self._grip = (tip[0] - touch.x, tip[1] - touch.y) if near_pin else (0, 0)  # the tip keeps its offset
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        if _distance(touch.pos, self._start) > TAP_SLOP:
            self._moved = True
        if self._drag == "pin" and self._moved:
            self.pin = list(self.to_degrees(touch.x + self._grip[0], touch.y + self._grip[1]))
        elif self._drag == "pan" and self._moved:
            cx, cy = geo.to_pixels(self.center_lat, self.center_lon, self.zoom)
            self.center_lat, self.center_lon = geo.to_degrees(cx - touch.dx, cy + touch.dy, self.zoom)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        if self._drag == "pin" and self._moved:
            self.dispatch("on_pin", *self.pin)
        elif not self._moved:  # a tap drops (or moves) the pin there
            self.set_pin(*self.to_degrees(*touch.pos))
        self._drag = None
        return True

    # --- drawing ----------------------------------------------------------------------------------
    def _redraw(self) -> None:
        self.canvas.clear()
        with self.canvas:
            Color(0.93, 0.94, 0.91, 1)
            Rectangle(pos=self.pos, size=self.size)
        if self.tile_url:
            self._draw_tiles()
        with self.canvas:
            for index, feature in enumerate(self.features):
                for ring in rings(feature.get("geometry")):
                    points = []
                    for lon, lat in ring:
                        points += self.to_screen(lat, lon)
                    rgba = FILLS[index % len(FILLS)]
                    _fill(points, (*rgba[:3], 0.35) if self.tile_url else rgba)  # tiles show through
                    Color(0.1, 0.42, 0.78, 1)  # opaque: a translucent wide Line uses the stencil and escapes the clip
                    Line(points=points, width=dp(1.2), close=True)
            self._draw_names()
            if self.pin:
                x, y = self.to_screen(*self.pin)
                r = dp(11)
                Color(0, 0, 0, 0.25)
                Ellipse(pos=(x - dp(6), y - dp(3)), size=(dp(12), dp(6)))
                Color(0.8, 0.16, 0.16, 1)
                Triangle(points=[x, y, x - r * 0.8, y + r * 1.6, x + r * 0.8, y + r * 1.6])
                Ellipse(pos=(x - r, y + r * 1.2), size=(2 * r, 2 * r))
                Color(1, 1, 1, 1)
                Ellipse(pos=(x - r * 0.4, y + r * 1.8), size=(r * 0.8, r * 0.8))

    def _draw_names(self) -> None:
        """Each grid's name at the middle of its part in view (when the tiles give no place names of their own)."""
        if self.tile_url:
            return
        for feature in self.features:
            name = (feature.get("properties") or {}).get("name")
            for ring in rings(feature.get("geometry"))[:1]:
                points = [self.to_screen(lat, lon) for lon, lat in ring]
                xs = [min(max(x, self.x), self.right) for x, _ in points]
                ys = [min(max(y, self.y), self.top) for _, y in points]
                cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
                texture = _label(name) if name and max(xs) - min(xs) > dp(90) else None
                inside = texture is not None and self.x < cx - texture.width / 2 and cx + texture.width / 2 < self.right \
                    and self.y < cy - texture.height and cy + texture.height < self.top
                if inside:
                    Color(0.15, 0.25, 0.4, 0.9)
                    Rectangle(texture=texture, size=texture.size, pos=(cx - texture.width / 2, cy - texture.height / 2))

    def _draw_tiles(self) -> None:
        z_view = self.zoom
        for z, tx, ty in geo.tiles_for_view(self.center_lat, self.center_lon, z_view, self.width, self.height):
            url = geo.tile_url(self.tile_url, z, tx, ty)
            path = os.path.join(self.tile_dir, hashlib.sha1(url.encode()).hexdigest() + ".png")
            scale = 2 ** (z_view - z)
            lat, lon = geo.to_degrees(tx * geo.TILE, ty * geo.TILE, z)
            sx, sy = self.to_screen(lat, lon)
            size = geo.TILE * scale
            if os.path.exists(path):
                with self.canvas:
                    Color(1, 1, 1, 1)
                    Rectangle(source=path, pos=(sx, sy - size), size=(size, size))
            elif self.fetch_tile is not None and url not in self._pending_tiles:
                self._pending_tiles.add(url)
                run_async(lambda u=url, p=path: self.fetch_tile(u, p), lambda _r: self._redraw_event(),
                          lambda _e, u=url: self._pending_tiles.discard(u))


FILLS = ((0.85, 0.91, 0.97, 1), (0.88, 0.95, 0.88, 1), (0.97, 0.93, 0.85, 1), (0.93, 0.89, 0.96, 1))
_LABELS: dict[str, object] = {}


def _fill(points: list[float], rgba) -> None:
    """A polygon filled with a light colour (triangulated by Kivy's tesselator)."""
    tess = Tesselator()
    tess.add_contour(points)
    if not tess.tesselate(WINDING_ODD, TYPE_POLYGONS):
        return
    Color(*rgba)
    for vertices, indices in tess.meshes:
        Mesh(vertices=vertices, indices=indices, mode="triangle_fan")


def _label(text: str):
    """A small text texture, made once per name."""
    if text not in _LABELS:
        label = CoreLabel(text=text, font_size=dp(12))
        label.refresh()
        _LABELS[text] = label.texture
    return _LABELS[text]


def _distance(a, b) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
