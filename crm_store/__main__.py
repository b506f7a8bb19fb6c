"""Entry point of `python -m crm_store` (see crm_store.cli)."""

from __future__ import annotations

import sys

from crm_store.cli import main

if __name__ == "__main__":
    sys.exit(main())
