"""Say why htslib could not read a record: the line, what is wrong with it, htslib's reason.

cyvcf2 raises a bare `Exception` when htslib cannot parse a record; htslib writes its own
reason to stderr, where a batch run's log may not show it. Error path only: the line is
read again from the file (`raw_line`, `raw_region_line`), htslib's message is captured by
replaying the failing read (`htslib_reason`), and `parse_failure` builds the `InputError`
that names the line or record, quotes it and says what to fix.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
import zlib
from collections.abc import Callable

import pysam

from il1rn_annot.errors import InputError
from il1rn_annot.vcf.vcf_input import VcfInput


def raw_line(info: VcfInput, number: int) -> tuple[str | None, str | None]:
    """(text of line `number` of a text VCF, or None; a reading problem, or None). Error path only.

    Reads on to the end of a compressed file: a gzip stream cut short (htslib's parse error
    then names a record, not the real cause) is reported as truncation.
    """
    if info.format == "bcf":
        return None, None
    opener = gzip.open if info.format.startswith("vcf.gz") else open
    found = None
    try:
        with opener(info.path, "rt", encoding="utf-8", errors="replace", newline="\n") as handle:
            for n, line in enumerate(handle, start=1):
                if n == number:
                    found = line.rstrip("\r\n")
        return found, None
    except (OSError, EOFError, zlib.error) as exc:
        return None, f"the compressed data cannot be read to the end ({exc}): the file is truncated or corrupt"


def raw_region_line(info: VcfInput, index: str, region: str, k: int) -> str | None:
    """The k-th (0-based) raw text line an index query of `region` returns. Error path only."""
    if info.format == "bcf":
        return None
    try:
        tabix = pysam.TabixFile(str(info.path), index=index)
        try:
            for i, line in enumerate(tabix.fetch(region=region)):
                if i == k:
                    return str(line)
        finally:
            tabix.close()
    except Exception:
        return None
    return None


def htslib_reason(replay: Callable[[], object]) -> str | None:
    """htslib's own message for a failure, got by running `replay` again with file descriptor 2
    captured (error path only). htslib writes its reason ("[E::vcf_parse_format_fill5] Invalid
    character ...") to stderr, where a batch run's log may not show it; the error then used to
    say "see htslib's message above" in the cohort table, where no message is shown."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            replay()
        except Exception:
            pass
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        text = captured.read(1 << 16).decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    chosen = next((line for line in lines if line.startswith("[E::")), None) or next(
        (line for line in lines if line.startswith("[W::")), None
    )
    if chosen is None:
        return None
    chosen = re.sub(r"^\[[EW]::[^\]]*\]\s*", "", chosen)
    return chosen if len(chosen) <= 300 else chosen[:297] + "..."


def _diagnose(line: str, n_samples: int, reason: str | None = None) -> str:
    """Why a VCF text line is probably malformed (htslib's own reason goes to stderr)."""
    cols = line.split("\t")
    if not line.strip():
        return "it is blank"
    if "\ufffd" in line:
        return "it is not UTF-8 text"
    if len(cols) < 8:
        return f"it has {len(cols)} tab-separated column(s); a VCF record has at least 8"
    if not cols[1].isdigit():
        return f"POS {cols[1][:40]!r} is not a whole number"
    if n_samples and len(cols) != 9 + n_samples:
        return f"it has {len(cols)} columns but the header names {n_samples} sample(s) ({9 + n_samples} columns)"
    return f"htslib rejected a value in it ({reason or 'htslib gave no reason'})"


def parse_failure(
    info: VcfInput,
    where: str,
    line: str | None,
    problem: str | None,
    exc: BaseException | None = None,
    replay: Callable[[], object] | None = None,
) -> InputError:
    if isinstance(exc, UnicodeDecodeError):
        return InputError(
            "the record is not UTF-8 text",
            path=str(info.path),
            where=where,
            hint="VCF text is UTF-8: convert the file, e.g. `iconv -f latin1 -t utf-8`",
        )
    if problem:
        return InputError(
            problem,
            path=str(info.path),
            where=where,
            hint="copy or re-create the file (interrupted copy or caller run?)",
        )
    reason = htslib_reason(replay) if replay is not None else None
    if reason and "retrieve index file" in reason:
        # htslib failed to load the index, not to parse a record: do not blame the record
        return InputError(
            f"htslib could not load the index of the file ({reason})",
            path=str(info.path),
            where=where,
            hint="re-create the index beside the file (`tabix -p vcf FILE` or `bcftools index FILE`) and run again",
        )
    if line is not None:
        shown = line if len(line) <= 120 else line[:117] + "..."
        return InputError(
            f"htslib cannot parse this record: {_diagnose(line, len(info.samples), reason)}: {shown!r}",
            path=str(info.path),
            where=where,
            hint="fix or remove the record; `bcftools view` on the file names the faulty field",
        )
    said = f": {reason}" if reason else f" ({exc})" if exc is not None and str(exc) else " (htslib gave no reason)"
    return InputError(
        f"htslib cannot parse a record{said}",
        path=str(info.path),
        where=where,
        hint="fix or remove the record; `bcftools view` on the file names the faulty field",
    )
