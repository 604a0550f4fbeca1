"""Report packs: the snapshot of a run's figures, its SVG charts, its PDF and its exports."""

from __future__ import annotations

import logging

# WeasyPrint reports each step of every document (and of its own stylesheets, as it is imported)
# at INFO: far too chatty for a worker's log. Set before anything here imports it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
