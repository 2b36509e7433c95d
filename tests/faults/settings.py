"""Settings for the fault tests' processes: the end-to-end settings plus knobs a test sets.

Test-only knobs live here rather than in config/settings: a slower mail backend
(tests/faults/slow_mail.py) and task routes that keep thousands of e-mails from
queueing ahead of the sweeps a test watches.
"""

import json
import os

from config.settings.e2e import *  # noqa: F403

if backend := os.environ.get("CANTING_FAULTS_EMAIL_BACKEND"):
    EMAIL_BACKEND = backend
if routes := os.environ.get("CANTING_FAULTS_TASK_ROUTES"):
    CELERY_TASK_ROUTES = json.loads(routes)
