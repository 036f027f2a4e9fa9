"""``python -m bench``: run the benchmarks and print rows per second."""

from __future__ import annotations

import sys

from bench.attendance import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
