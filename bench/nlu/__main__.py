"""Entry point of `python -m bench.nlu` (see bench.nlu.cli)."""

from bench.nlu.cli import main

raise SystemExit(main())
