"""``python -m bench``: run the benchmarks.

``python -m bench`` runs every benchmark with its defaults; ``python -m bench attendance ...``
or ``python -m bench early_warning ...`` runs one with options (see each one's ``--help``).
Options with no benchmark named go to the attendance import benchmark, as before.
"""

from __future__ import annotations

import sys

from bench import attendance, early_warning

BENCHES = {"attendance": attendance.main, "early_warning": early_warning.main}


def main(argv: list[str]) -> int:
    if argv and argv[0] in BENCHES:
        return BENCHES[argv[0]](argv[1:])
    if argv:
        return attendance.main(argv)
    return max(run([]) for run in BENCHES.values())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
