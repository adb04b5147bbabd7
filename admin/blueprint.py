"""The admin blueprint and its CSRF protection (every admin module attaches to ``bp``)."""
from flask import Blueprint
from flask_wtf.csrf import CSRFProtect

bp = Blueprint("admin", "admin", url_prefix="/admin", template_folder="templates",
               static_folder="static", static_url_path="/static")
csrf = CSRFProtect()
