"""GridWatch 网格安全 phone app: core (no Kivy), device adapters and the Kivy screens."""
__version__ = "0.1.0"
