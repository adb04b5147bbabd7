"""One Screen class per screen (its layout is in ``ui/kv/<name>.kv``)."""
from .account import LoginScreen, RegisterScreen
from .home import HomeScreen
from .map_pick import MapPickScreen
from .my_reports import MyReportsScreen, ReportDetailScreen
from .new_report import NewReportScreen
from .notices import NoticesScreen
from .outbox import OutboxScreen
from .patrol import ChecklistScreen, PatrolScreen
from .settings import SettingsScreen
from .verification import VerificationScreen

CLASSES = {
    "login": LoginScreen, "register": RegisterScreen, "home": HomeScreen, "new_report": NewReportScreen,
    "my_reports": MyReportsScreen, "report_detail": ReportDetailScreen, "patrol": PatrolScreen,
    "checklist": ChecklistScreen, "verification": VerificationScreen, "settings": SettingsScreen,
    "outbox": OutboxScreen, "map_pick": MapPickScreen, "notices": NoticesScreen,
}


def make(name: str):
    """A new screen by name."""
    return CLASSES[name](name=name)
