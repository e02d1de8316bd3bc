"""`python -m shipspec`: the same as the `shipspec` command."""

from shipspec.compiler.cli import main

raise SystemExit(main())
