"""The files the workflow's configuration names, checked before anything runs.

A configured file that is missing must stop the run with the key and the path: Snakemake only
checks a rule's inputs when the rule has to run, so after a finished run a misspelt
`population_vcfs` or `reference` path gave "Nothing to be done" and the old results stood as if
they had been made with it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

#: config keys naming one optional file, and those naming a list of files (knowledge_base: `kb_dir`)
SINGLE_FILE_KEYS = ("reference", "clinvar_vcf", "lab_config", "extra_variants")
FILE_LIST_KEYS = ("population_vcfs",)


def missing_config_files(config: Mapping[str, Any]) -> list[str]:
    """`key: path` for every configured file or folder that does not exist (empty when all do)."""
    missing = []
    for key in SINGLE_FILE_KEYS:
        value = config.get(key)
        if value and not os.path.exists(str(value)):
            missing.append(f"{key}: {value}")
    for key in FILE_LIST_KEYS:
        for i, value in enumerate(config.get(key) or []):
            if value and not os.path.exists(str(value)):
                missing.append(f"{key}[{i}]: {value}")
    return missing
