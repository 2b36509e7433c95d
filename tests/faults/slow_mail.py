"""A test-only e-mail backend: a slow mail server in front of the e2e file backend.

Each message is announced first (a marker file under var/sending/, so the test
knows a worker is in the middle of sending it), then the backend waits
CANTING_TEST_SEND_SECONDS before the message is written, the way an SMTP server
that takes its time keeps a worker busy after it claimed the message.
"""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages) -> int:
        sending = Path(settings.EMAIL_FILE_PATH).parent / "sending"
        sending.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            code = message.extra_headers.get("X-Canting-Booking", "host")
            (sending / f"{code}.{os.getpid()}.{uuid.uuid4().hex}").touch()
        time.sleep(float(os.environ.get("CANTING_TEST_SEND_SECONDS", "3")))
        return super().send_messages(email_messages)
