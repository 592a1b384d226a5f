"""The SHA-256 of a file, as provenance records it: every input VCF, reference FASTA, knowledge-base
file, manifest and sample sheet is named by this one digest, so that two records of one file agree.

At the top of the package (like `errors`), not in `outputs.provenance`: the VCF and knowledge-base
layers, below `outputs`, digest their files too. Read in 1 MiB chunks: a whole-genome VCF or FASTA
is not held in memory.
"""

from __future__ import annotations

import hashlib
import os


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The hex SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
