"""The SHA-256 of a file, as provenance records it: every input VCF, reference FASTA, knowledge-base
file, manifest and sample sheet is named by this one digest, so that two records of one file agree.

At the top of the package (like `errors`), not in `outputs.provenance`: the VCF and knowledge-base
layers, below `outputs`, digest their files too. Read in 1 MiB chunks: a whole-genome VCF or FASTA
is not held in memory.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The hex SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_file_once(path: str | os.PathLike[str]) -> str:
    """`sha256_file`, computed once per (path, size, mtime) in a process: a batch of 200 inputs
    annotated against one 3 GB reference FASTA hashed it 200 times (issue 19)."""
    st = os.stat(path)
    return _sha256_cached(os.path.realpath(path), st.st_size, st.st_mtime_ns, st.st_ino)


@lru_cache(maxsize=16)
def _sha256_cached(path: str, size: int, mtime_ns: int, inode: int) -> str:
    return sha256_file(path)
