"""Inflating gzip/BGZF data in this package: python-isal when installed, else zlib.

The annotator decompresses BGZF blocks itself in a few places (the index walk, the size check
of the locus records, the text read of a joint VCF, the file's first and last block); on a
2,504-sample joint VCF that was ~50 ms of each reading process, and ~0.4 ms of every small
file of a cohort batch (issue 19). ISA-L's inflate gives the same bytes ~3x faster
(joint_2504.vcf.gz whole: zlib 98 ms, isal 33 ms). Its errors are raised as `zlib.error`,
which the callers already catch for corrupt data, so nothing else changes with the library.
"""

from __future__ import annotations

import zlib
from types import ModuleType
from typing import Protocol

_isal: ModuleType | None
try:  # an optional speed-up (a dependency on the platforms it has wheels for)
    from isal import isal_zlib as _isal
except ImportError:  # pragma: no cover - the zlib path is tested with the import hidden
    _isal = None

#: the library inflating here, for the tests and the benchmark notes
LIBRARY = "isal" if _isal is not None else "zlib"
#: what ISA-L raises for corrupt data (a plain Exception, not zlib.error)
_ISAL_ERROR: type[Exception] = _isal.error if _isal is not None else zlib.error


class Decompressor(Protocol):
    def decompress(self, data: bytes, max_length: int = 0) -> bytes: ...


def gunzip(data: bytes, size_hint: int = 1 << 16) -> bytes:
    """Decompress one whole gzip member (a BGZF block: header and CRC checked)."""
    if _isal is None:
        return zlib.decompress(data, 31)
    try:
        out: bytes = _isal.decompress(data, 31, size_hint)
    except _ISAL_ERROR as exc:
        raise zlib.error(str(exc)) from None
    return out


class _IsalStream:
    """`zlib.decompressobj(31)` over ISA-L, raising `zlib.error` as zlib does."""

    def __init__(self, isal: ModuleType) -> None:
        self._inner = isal.decompressobj(31)

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        try:
            out: bytes = self._inner.decompress(data, max_length)
        except _ISAL_ERROR as exc:
            raise zlib.error(str(exc)) from None
        return out


def gunzip_stream() -> Decompressor:
    """A decompressor of one gzip stream (`decompress(data, max_length)`), as zlib.decompressobj(31)."""
    return zlib.decompressobj(31) if _isal is None else _IsalStream(_isal)
