"""Why a payment request was refused, with codes clients can rely on."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, DomainError, NotFound


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    default_message = _("No such payment.")


class PaymentMethodNotAccepted(DomainError):
    code = "payment_method_not_accepted"
    status_code = 400
    default_message = _("This class does not accept that payment method.")


class PaymentTooLate(Conflict):
    code = "payment_method_too_late"
    default_message = _("The class starts too soon to pay this way. Choose another payment method.")


class AmountMismatch(Conflict):
    code = "payment_amount_mismatch"
    default_message = _("The amount paid does not match the booking.")


class PaymentNotChangeable(Conflict):
    code = "payment_not_changeable"
    default_message = _("This payment cannot be changed in its current state.")


class NothingToPay(Conflict):
    code = "payment_nothing_to_pay"
    default_message = _("This booking has no payment waiting for that.")


class PaymentGatewayUnavailable(DomainError):
    code = "payment_gateway_unavailable"
    status_code = 503
    default_message = _("The payment service cannot be reached right now. Please try again in a moment.")
