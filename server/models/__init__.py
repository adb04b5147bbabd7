"""The data model."""
from .accounts import ApiToken, Role, User
from .admin import AdminAuditLog, HotspotReview, TranscriptCorrection
from .areas import Area, AreaLevel
from .cases import (Case, CaseAttachment, CaseDepartment, CaseEvent, CaseRating, CaseReporter, Notification,
                    verify_chain)
from .categories import Category
from .departments import Department, DepartmentType
from .hotspots import Hotspot, HotspotReporter
from .interop import ApiKey, DeliveryStatus, Open311Request, ServiceAttribute, Webhook, WebhookDelivery, WebhookEvent
from .patrols import ChecklistTemplate, ItemResult, PatrolItemResult, PatrolPlace, PatrolTask, TaskStatus
from .plans import EmergencyPlan, PlanActivation, PlanTask
from .reports import PENDING_STAGES, Channel, Media, Report, ReportEvent, Stage, Transcript
from .settings import Setting, get_setting, put_setting
from .types import utcnow

__all__ = [
    "ApiKey", "DeliveryStatus", "Open311Request", "ServiceAttribute", "Webhook", "WebhookDelivery", "WebhookEvent",
    "AdminAuditLog", "HotspotReview", "TranscriptCorrection",
    "ApiToken", "Area", "AreaLevel", "Case", "CaseAttachment", "CaseDepartment", "CaseEvent", "CaseRating",
    "CaseReporter", "HotspotReporter", "Category", "Channel",
    "Department", "DepartmentType", "EmergencyPlan", "Hotspot", "Media", "Notification", "PENDING_STAGES",
    "ChecklistTemplate", "ItemResult", "PatrolItemResult", "PatrolPlace", "PatrolTask", "TaskStatus",
    "PlanActivation", "PlanTask", "Report", "ReportEvent",
    "Role", "Setting", "Stage", "get_setting", "put_setting", "Transcript", "User", "utcnow", "verify_chain",
]
