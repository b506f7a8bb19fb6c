"""The CRM's exceptions: plain values in, a clear message out; actions map them to replies."""

from __future__ import annotations


class CrmError(Exception):
    """Base of every error the CRM services raise on purpose."""


class NotFound(CrmError):
    """A record does not exist, or does not belong to the customer who asked for it."""


class OrderNotFound(NotFound):
    def __init__(self, order_number: str) -> None:
        super().__init__(f"No order {order_number} for this customer.")
        self.order_number = order_number


class OrderNotCancellable(CrmError):
    def __init__(self, order_number: str, status: str) -> None:
        super().__init__(f"Order {order_number} is {status} and can no longer be cancelled.")
        self.order_number = order_number
        self.status = status


class OrderNotReturnable(CrmError):
    """`reason` is one of "not_delivered", "already_returned", "cancelled", "return_window_closed",
    "return_already_requested"."""

    def __init__(self, order_number: str, status: str, reason: str) -> None:
        super().__init__(f"Order {order_number} ({status}) cannot be returned: {reason}.")
        self.order_number = order_number
        self.status = status
        self.reason = reason


class InvalidValue(CrmError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class EmailUnavailable(CrmError):
    """Another customer already uses that email address."""


class AlreadyRated(CrmError):
    """The conversation already has its feedback (one per conversation)."""


class Conflict(CrmError):
    """The record changed under the caller: e.g. another agent took the conversation first."""


class DatabaseUnavailable(CrmError):
    """The database cannot be reached; the message says which one and why, without a password."""
