"""What gunicorn serves: `gunicorn service.wsgi:app` (logs configured first, as JSON lines off a terminal)."""

from __future__ import annotations

import os

from .app import create_app
from .logging_setup import configure

configure(os.environ.get("HANDOFF_LOG_LEVEL", "INFO"))
app = create_app()
