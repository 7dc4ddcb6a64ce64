"""The domain error every service raises when a rule says no."""


class DomainError(Exception):
    """A rule refused the action. ``message`` is user-facing, already in the user's language."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs to, if any
