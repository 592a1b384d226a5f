#!/usr/bin/env bash
# Run by Snakemake (--sdm conda) inside the new environment, from the directory Snakemake
# was started in: install the il1rn-annot package of this checkout (no dependencies: the
# environment file brings them).
set -euo pipefail
python -m pip install --no-deps --no-build-isolation "${IL1RN_ANNOT_SRC:-.}"
