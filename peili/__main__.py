"""`peili` — the management entry point: `peili migrate`, `peili demo`, `peili import-people FILE`."""

import os
import sys

from django.core.management import execute_from_command_line


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    argv = list(sys.argv)
    argv[0] = "peili"
    # Our own commands are spelt with hyphens on the command line (peili import-people).
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
