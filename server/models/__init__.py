"""The data model."""
from server.models.accounts import ApiToken, Role, User
from server.models.alerts import Alert
from server.models.admin import AdminAuditLog, HotspotReview, TranscriptCorrection
from server.models.areas import Area, AreaLevel
from server.models.cases import (Case, CaseAttachment, CaseDepartment, CaseEvent, CaseRating, CaseReporter,
                                 Notification, verify_chain)
from server.models.categories import Category
from server.models.departments import Department, DepartmentType
from server.models.hotspots import Hotspot, HotspotReporter
from server.models.notifications import DeadlineWarning, NotificationDelivery
from server.models.library import CaseLibraryEntry, ReplyTemplate
from server.models.interop import (ApiKey, DeliveryStatus, Open311Request, ServiceAttribute, Webhook, WebhookDelivery,
                                   WebhookEvent)
from server.models.patrols import ChecklistTemplate, ItemResult, PatrolItemResult, PatrolPlace, PatrolTask, TaskStatus
from server.models.plans import EmergencyPlan, PlanActivation, PlanTask
from server.models.reports import PENDING_STAGES, Channel, Media, Report, ReportEvent, Stage, Transcript
from server.models.sharing import DataShareRequest, ShareAccess, ShareCredential, ShareKind, ShareStatus
from server.models.settings import Setting, get_setting, put_setting
from server.models.types import utcnow

__all__ = [
    "Alert",
    "ApiKey", "DeliveryStatus", "Open311Request", "ServiceAttribute", "Webhook", "WebhookDelivery", "WebhookEvent",
    "AdminAuditLog", "HotspotReview", "TranscriptCorrection",
    "CaseLibraryEntry", "ReplyTemplate",
    "DataShareRequest", "ShareAccess", "ShareCredential", "ShareKind", "ShareStatus",
    "ApiToken", "Area", "AreaLevel", "Case", "CaseAttachment", "CaseDepartment", "CaseEvent", "CaseRating",
    "CaseReporter", "HotspotReporter", "Category", "Channel",
    "DeadlineWarning", "Department", "DepartmentType", "EmergencyPlan", "Hotspot", "Media", "Notification",
    "NotificationDelivery", "PENDING_STAGES",
    "ChecklistTemplate", "ItemResult", "PatrolItemResult", "PatrolPlace", "PatrolTask", "TaskStatus",
    "PlanActivation", "PlanTask", "Report", "ReportEvent",
    "Role", "Setting", "Stage", "get_setting", "put_setting", "Transcript", "User", "utcnow", "verify_chain",
]
