"""Reports API 2021-06-30: the ``Report`` answer of getReport."""

from dataclasses import dataclass
from datetime import datetime

from . import _values as v
from .errors import InvalidResponse
from .feeds import FINISHED_STATUSES

__all__ = ["Report"]


@dataclass(frozen=True)
class Report:
    report_id: str
    report_type: str
    processing_status: str  # IN_QUEUE, IN_PROGRESS, DONE, CANCELLED, FATAL
    marketplace_ids: tuple
    created: datetime | None  # naive UTC
    data_start: datetime | None
    data_end: datetime | None
    processing_started: datetime | None
    processing_ended: datetime | None
    document_id: str | None  # reportDocumentId, once DONE
    schedule_id: str | None

    @property
    def finished(self):
        return self.processing_status in FINISHED_STATUSES

    @property
    def done(self):
        return self.processing_status == "DONE"

    @classmethod
    def from_api(cls, body):
        op = "getReport"
        if not isinstance(body, dict) or not body.get("reportId"):
            raise InvalidResponse(f"{op} answer without reportId", operation=op)
        ctx = f"report {body['reportId']}"
        if not body.get("processingStatus"):
            raise InvalidResponse(f"{ctx}: no processingStatus", operation=op)
        return cls(
            report_id=str(body["reportId"]),
            report_type=str(body.get("reportType") or ""),
            processing_status=str(body["processingStatus"]),
            marketplace_ids=v.strings(body.get("marketplaceIds"), ctx, "ids"),
            created=v.timestamp(body.get("createdTime"), ctx, "createdTime"),
            data_start=v.timestamp(body.get("dataStartTime"), ctx, "dataStartTime"),
            data_end=v.timestamp(body.get("dataEndTime"), ctx, "dataEndTime"),
            processing_started=v.timestamp(
                body.get("processingStartTime"), ctx, "processingStartTime"
            ),
            processing_ended=v.timestamp(
                body.get("processingEndTime"), ctx, "processingEndTime"
            ),
            document_id=body.get("reportDocumentId") or None,
            schedule_id=body.get("reportScheduleId") or None,
        )
