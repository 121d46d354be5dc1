"""Every table, imported in one place so Alembic and the tests see the whole schema."""

from backend.applications.models import Application, ApplicationEvent, Decision, Payment
from backend.audit.models import AuditEntry, AuditHead
from backend.auth.models import OneTimeCode, StaffLoginCounter, StaffWebSession
from backend.authorizations.models import AuthorizationSignature
from backend.certification.models import CertificationSchedule
from backend.core.db import Base
from backend.delegations.models import Delegation
from backend.documents.models import StoredDocument
from backend.drafts.models import FormDraft
from backend.households.models import Asset, Deduction, Household, HouseholdMember, IncomeItem, Obligor
from backend.facecheck.models import AcceptedFrameKey, BiometricConsent, FaceReference, LivenessSession
from backend.monitoring.models import MonitoredPerson
from backend.notifications.models import Notice, SmsOptOut
from backend.people.models import Person
from backend.regions.models import Area
from backend.service_desk.models import CallbackRequest, Complaint
from backend.staff.models import StaffRelation, StaffUser
from backend.wechat.models import WeChatBinding

__all__ = [
    "AcceptedFrameKey", "AuthorizationSignature", "BiometricConsent", "CertificationSchedule", "FaceReference", "LivenessSession",
    "Application", "ApplicationEvent", "Area", "CallbackRequest", "Complaint", "Asset", "AuditEntry", "AuditHead", "Base", "Decision", "Deduction",
    "Delegation", "FormDraft", "Household", "HouseholdMember", "IncomeItem", "MonitoredPerson", "Obligor", "OneTimeCode",
    "Notice", "Payment", "Person", "SmsOptOut", "StaffLoginCounter", "StaffRelation", "StaffUser", "StaffWebSession",
    "StoredDocument", "WeChatBinding",
]
