from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bookings.services.hold_write import install_hold_function

        # The hold function is generated from the models: reinstall it whenever they migrate.
        post_migrate.connect(install_hold_function, sender=self, dispatch_uid="canting-hold-function")
