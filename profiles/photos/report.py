"""The outcome of the photo checks: one Check per rule, collected in a PhotoReport."""

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass
class Check:
    code: str
    ok: bool | None  # None: not checked (could not run), neither passed nor failed
    severity: str  # ERROR blocks the upload, WARNING is shown and flagged for the admin
    value: object = None  # the measured value, JSON-serialisable; None when not measured
    message: str = ""  # Indonesian, with the numbers

    def to_dict(self):
        return {"code": self.code, "ok": self.ok, "severity": self.severity, "value": self.value, "message": self.message}


@dataclass
class PhotoReport:
    checks: list[Check] = field(default_factory=list)
    width: int | None = None  # as displayed (EXIF orientation applied); None if unreadable
    height: int | None = None

    @property
    def ok(self):
        return not self.errors

    @property
    def errors(self):
        return [check.code for check in self.checks if check.ok is False and check.severity == ERROR]

    @property
    def warnings(self):
        return [check.code for check in self.checks if check.ok is False and check.severity == WARNING]

    @property
    def not_checked(self):
        return [check.code for check in self.checks if check.ok is None]

    def get(self, code):
        return next((check for check in self.checks if check.code == code), None)

    def to_dict(self):
        return {
            "ok": self.ok,
            "errors": self.errors,
            "warnings": self.warnings,
            "checks": [check.to_dict() for check in self.checks],
        }
