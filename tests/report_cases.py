"""The cases the lab report tests share: small VCFs with real GRCh38 coordinates, annotated by
the package itself (so the report is tested on the JSON the annotator really writes), and a
reader of the report's visible text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from il1rn_annot.annotate_vcf.run import annotate_file

DATE = "2026-01-15"
ANNOT_DATE = "2026-01-01T00:00:00Z"
GRCH38_CHR2 = 242193529

E77X_HOM = "chr2\t113131068\t.\tG\tT\t50\tPASS\t.\tGT:DP\t1/1:30"
SPLICE_HET = "chr2\t113131159\t.\tT\tG\t50\tPASS\t.\tGT:DP\t0/1:40"
RS419598_HOM = "chr2\t113129630\trs419598\tT\tC\t50\tPASS\t.\tGT:DP\t1/1:35"
DEL175_HOM = (
    "chr2\t112959500\tMantaDEL:1\tT\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=113134600;SVLEN=-175100;IMPRECISE;"
    "CIPOS=-150,150;CIEND=-120,120\tGT\t1/1"
)
# exons 1-3 with the transcription start (PVS1 by the ClinGen tree; an exon 2-3 deletion alone is
# PVS1_Strong: its frame change falls in the last exon, no NMD, so it is of uncertain significance)
DEL_EX23_HET = "chr2\t113127000\tDEL31\tC\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=113131157;SVLEN=-4157\tGT\t0/1"


def vcf(records: list[str], samples: list[str], contig_length: int = GRCH38_CHR2) -> str:
    """A VCF text from the shared fixture (tests/conftest.py), chr2-named in both builds."""
    from conftest import vcf_text

    return vcf_text(records, samples, build="GRCh38" if contig_length == GRCH38_CHR2 else "GRCh37", chrom="chr2")


def annotate(tmp: Path, name: str, records: list[str], samples: list[str], kb) -> Path:
    path = tmp / f"{name}.vcf"
    path.write_text(vcf(records, samples))
    result = annotate_file(path, tmp, kb, date=ANNOT_DATE, command_line="il1rn-annot")
    return Path(result.outputs["json"])


class _Text(HTMLParser):
    """Visible text and the tags of an HTML document (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.parts.append(data)


def parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", " ".join(parse(html).parts))


def write_file(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def annotate_cases(tmp: Path, kb) -> dict[str, Path]:
    """The annotation JSONs of the shared cases (a module-scoped `jsons` fixture in each test file)."""
    return {
        "e77x": annotate(tmp, "gatk.E77X", [RS419598_HOM.replace("1/1", "0/1"), E77X_HOM], ["PAT_E77X"], kb),
        "assoc": annotate(tmp, "gatk.ASSOC", [RS419598_HOM], ["ASSOC_ONLY"], kb),
        "del175": annotate(tmp, "manta.DEL175", [DEL175_HOM], ["DEL175"], kb),
        "splice": annotate(tmp, "gatk.URB", [SPLICE_HET], ["URB"], kb),
        "sv": annotate(tmp, "delly.URB", [DEL_EX23_HET], ["URB"], kb),
    }
