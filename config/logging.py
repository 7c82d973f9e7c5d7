"""Log lines as text (development) or as one JSON object per line (`OMBUDSFLOW_LOG_FORMAT=json`,
for a log collector), each with the request id of the request or job that wrote it."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def configure(level: str = "INFO", fmt: str = "text") -> None:
    """Set the root logger's one handler (replacing what an earlier app of this process set)."""
    from engine.correlation import LogFilter

    root = logging.getLogger()
    root.setLevel(level)
    handler = next((h for h in root.handlers if getattr(h, "_ombudsflow", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler._ombudsflow = True  # type: ignore[attr-defined]
        handler.addFilter(LogFilter())
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
