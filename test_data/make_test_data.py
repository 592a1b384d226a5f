#!/usr/bin/env python3
"""Generate the il1rn-annot shipped test data, deterministically.

Run from the repository root:

    /work/venv/bin/python test_data/make_test_data.py

Everything under test_data/ that this script owns (see OWNED_FILES at the end of a run,
or test_data/README.md) is rewritten byte-identically on every run: no clocks, no
unseeded randomness, fixed header dates (20240101). Dependencies: the standard library
and pysam only.

What it writes
--------------
* ref/  - a 60 kb SYNTHETIC locus extract (GRCh38 chr2:113,100,001-113,160,000 and the
          same sequence as GRCh37 2:113,857,578-113,917,577). Random filler except the
          IL1RN MANE (NM_173842.3) exon/CDS layout and a handful of published bases that
          the test variants depend on. Not real sequence; never use it clinically.
* VCF/BCF files that imitate the output shapes of GATK HaplotypeCaller, DeepVariant,
  bcftools mpileup/call (+ WhatsHap), Manta, DELLY2, GATK gCNV, an exome CNV converter
  and VarScan2, each carrying the IL1RN genotypes listed in README.md.
* samples.tsv, README.md and ref/README.md.

After writing, the script checks every small-variant REF against the synthetic FASTA,
checks that indels are left-aligned, translates the CDS back from the FASTA, and reads
every file back with pysam. Any failure raises.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pysam

OUT = Path(__file__).resolve().parent
REPO_ROOT = OUT.parent
REF_DIR = OUT / "ref"
FILE_DATE = "20240101"
SEED = b"il1rn-annot/test_data/synthetic-locus/v1"

# --------------------------------------------------------------------------------------
# Assemblies (primary assembly contigs with their real lengths)
# --------------------------------------------------------------------------------------
GRCH38_LENGTHS = {
    "1": 248956422, "2": 242193529, "3": 198295559, "4": 190214555, "5": 181538259,
    "6": 170805979, "7": 159345973, "8": 145138636, "9": 138394717, "10": 133797422,
    "11": 135086622, "12": 133275309, "13": 114364328, "14": 107043718, "15": 101991189,
    "16": 90338345, "17": 83257441, "18": 80373285, "19": 58617616, "20": 64444167,
    "21": 46709983, "22": 50818468, "X": 156040895, "Y": 57227415, "M": 16569,
}
GRCH37_LENGTHS = {
    "1": 249250621, "2": 243199373, "3": 198022430, "4": 191154276, "5": 180915260,
    "6": 171115067, "7": 159138663, "8": 146364022, "9": 141213431, "10": 135534747,
    "11": 135006516, "12": 133851895, "13": 115169878, "14": 107349540, "15": 102531392,
    "16": 90354753, "17": 81195210, "18": 78077248, "19": 59128983, "20": 63025520,
    "21": 48129895, "22": 51304566, "X": 155270560, "Y": 59373566, "M": 16569,
}
HG19_CHRM_LENGTH = 16571  # UCSC hg19 chrM is the old (Yoruba) mitochondrion, not rCRS
PRIMARY = [str(i) for i in range(1, 23)] + ["X", "Y", "M"]
GRCH37_OFFSET = 757_577  # GRCh37 = GRCh38 + 757,577 throughout the 2q13 region


@dataclass(frozen=True)
class Build:
    key: str             # GRCh38 / GRCh37 / hg19
    ucsc_names: bool     # chr-prefixed names
    offset: int          # added to a GRCh38 chr2 locus coordinate
    reference: str       # path written into ##reference / command lines
    fasta: Path          # synthetic locus FASTA for REF checks
    fasta_contig: str

    def chrom(self, n: str) -> str:
        if self.ucsc_names:
            return "chr" + n
        return "MT" if n == "M" else n

    def pos(self, chrom: str, p38: int) -> int:
        """Coordinate in this build of a GRCh38 position (shift applied on chr2 only)."""
        return p38 + self.offset if chrom == "2" else p38

    def contig_lines(self, assembly: str | None = None) -> list[str]:
        lengths = GRCH38_LENGTHS if self.key == "GRCh38" else GRCH37_LENGTHS
        order = list(PRIMARY)
        if self.key == "hg19":  # GATK hg19 bundle order: chrM first
            order = ["M"] + [n for n in PRIMARY if n != "M"]
        lines = []
        for n in order:
            length = HG19_CHRM_LENGTH if (self.key == "hg19" and n == "M") else lengths[n]
            extra = f",assembly={assembly}" if assembly else ""
            lines.append(f"##contig=<ID={self.chrom(n)},length={length}{extra}>")
        return lines


# --------------------------------------------------------------------------------------
# IL1RN locus (GRCh38, 1-based inclusive)
# --------------------------------------------------------------------------------------
REGION_START, REGION_END = 113_100_001, 113_160_000
FASTA38 = REF_DIR / "GRCh38_chr2_113100001-113160000.synthetic.fa"
FASTA37 = REF_DIR / "GRCh37_2_113857578-113917577.synthetic.fa"
CONTIG38 = f"chr2:{REGION_START}-{REGION_END}"
CONTIG37 = f"2:{REGION_START + GRCH37_OFFSET}-{REGION_END + GRCH37_OFFSET}"

GRCH38 = Build("GRCh38", True, 0, "/ref/Homo_sapiens_assembly38.fasta", FASTA38, CONTIG38)
GRCH37 = Build("GRCh37", False, GRCH37_OFFSET, "/ref/human_g1k_v37.fasta", FASTA37, CONTIG37)
HG19 = Build("hg19", True, GRCH37_OFFSET, "/ref/hg19.fa", FASTA37, CONTIG37)

TRANSCRIPT = "NM_173842.3"
EXONS = [(113_127_598, 113_127_740), (113_129_576, 113_129_664),
         (113_131_045, 113_131_157), (113_132_656, 113_134_014)]
CDS_SEGMENTS = [(113_127_625, 113_127_740), (113_129_576, 113_129_664),
                (113_131_045, 113_131_157), (113_132_656, 113_132_871)]
CDS_START, CDS_END = CDS_SEGMENTS[0][0], CDS_SEGMENTS[-1][1]
IL1RN_START, IL1RN_END = EXONS[0][0], EXONS[-1][1]
PROTEIN = ("MEICRGLRSHLITLLLFLFHSETICRPSGRKSSKMQAFRIWDVNQKTFYLRNNQLVAGYLQGPNVNLEEKIDVVPIEPHALF"
           "LGIHGGKMCLSCVKSGDETRLQLEAVNITDLSENRKQDKRFAFIRSDSGPTTSFESAACPGWFLCTAMEADQPVSLTNMPDE"
           "GVMVTKFYFQEDE")
STOP_CODON = "TGA"

CLUSTER_GENES = [  # GRCh38 start, end, strand
    ("IL1A", 112_773_925, 112_784_493, "-"), ("IL1B", 112_829_751, 112_836_779, "-"),
    ("IL37", 112_911_165, 112_918_882, "+"), ("IL36G", 112_978_006, 112_985_658, "+"),
    ("IL36A", 113_005_459, 113_008_044, "+"), ("IL36B", 113_022_089, 113_052_867, "-"),
    ("IL36RN", 113_059_198, 113_064_744, "+"), ("IL1F10", 113_067_970, 113_075_843, "+"),
    ("IL1RN", 113_127_598, 113_134_014, "+"), ("PSD4", 113_173_971, 113_209_391, "+"),
    ("PAX8", 113_215_997, 113_278_921, "-"),
]

BASES = "TCAG"
AMINO = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
GENETIC_CODE = {a + b + c: AMINO[16 * i + 4 * j + k]
                for i, a in enumerate(BASES) for j, b in enumerate(BASES) for k, c in enumerate(BASES)}
THREE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "E": "Glu", "Q": "Gln",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
}
# One fixed codon per amino acid ...
DEFAULT_CODON = {
    "A": "GCC", "C": "TGC", "D": "GAC", "E": "GAG", "F": "TTC", "G": "GGC", "H": "CAC",
    "I": "ATC", "K": "AAG", "L": "CTG", "M": "ATG", "N": "AAC", "P": "CCC", "Q": "CAG",
    "R": "CGC", "S": "AGC", "T": "ACC", "V": "GTG", "W": "TGG", "Y": "TAC",
}
# ... except where the published reference base matters to a test variant (residue: codon).
PINNED_CODONS = {
    26: "CGA",   # Arg26: c.76 = C  (c.76C>T p.Arg26Ter)
    45: "CAG",   # Gln45: c.133 = C (c.133C>T p.Gln45Ter)
    47: "ACC",   # Thr47: c.139-141 = ACC (c.140del)
    52: "AAC",   # Asn52 } c.154-159 = AACAAC (c.156_157del)
    53: "AAC",   # Asn53 }
    54: "CAG",   # Gln54: c.160 = C (c.160C>T p.Gln54Ter)
    57: "GCT",   # Ala57: c.171 = T (rs419598 c.171T>C)
    72: "GAT",   # Asp72: c.216 = T
    77: "GAG",   # Glu77: c.229 = G (c.229G>T p.Glu77Ter)
    130: "TCT",  # Ser130: c.390 = T (rs315952 c.390T>C)
}

# Named positions (GRCh38)
POS_RS4251961 = 113_116_890   # upstream T>C, association SNP
POS_C76 = 113_127_700         # c.76C>T
POS_INTRON1_SNV = 113_128_500  # deep intron 1 SNV (c.116+760)
POS_C133 = 113_129_592        # c.133C>T
POS_C139 = 113_129_598        # anchor of c.140del (AC>A)
POS_C154 = 113_129_613        # anchor of c.156_157del (AAC>A)
POS_C160 = 113_129_619        # c.160C>T
POS_RS419598 = 113_129_630    # c.171T>C
POS_INTRON2_LOWQ = 113_130_300  # deep intron 2 SNV, FILTER LowQual in the cohort file
POS_DV_REFCALL = 113_130_731  # DeepVariant RefCall site (intron 2)
POS_C229 = 113_131_068        # c.229G>T / c.229G>A
POS_C318P2 = 113_131_159      # c.318+2T>G
POS_RS315952 = 113_132_727    # c.390T>C
MISSENSE_C = 449              # novel exon-4 missense (codon 150, middle base)
EXPLICIT_DEL = (113_129_500, 113_129_700)  # anchor .. last deleted base (exon 2 removed)
DEL_EXON2_3 = (113_129_400, 113_132_000)    # DELLY cohort: exons 2 and 3
URBANEJA_DEL = (113_128_556, 113_131_157)   # deletes 113,128,557..113,131,157 = exons 2-3,
#                                             ends exactly at the last base of exon 3 so the
#                                             c.318+2 site (113,131,159) stays outside it
DEL175 = (112_959_500, 113_134_600)
CNV_EXONS = (113_127_500, 113_134_100)      # exome CNV over exons 1-4
DEL_ME = (113_131_800, 113_132_100)         # 300 bp Alu deletion, intron 3
GCNV_DEL = (113_110_001, 113_150_000)
PSD4_DEL = (113_190_210, 113_190_660)

# Filler bases pinned so that tests hold no matter what the hash stream produced.
PINNED_FILLER = {
    POS_RS4251961: "T",
    EXPLICIT_DEL[0]: "G",   # anchor differs from the last deleted base -> left-aligned
    EXPLICIT_DEL[1]: "A",
}


# --------------------------------------------------------------------------------------
# Deterministic helpers
# --------------------------------------------------------------------------------------
def _hash_int(*parts: object) -> int:
    h = hashlib.sha256(SEED + b"|" + "|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:8], "big")


def pick(lo: int, hi: int, *parts: object) -> int:
    """Deterministic integer in [lo, hi]."""
    return lo + _hash_int(*parts) % (hi - lo + 1)


def filler(n: int) -> list[str]:
    out: list[str] = []
    counter = 0
    while len(out) < n:
        digest = hashlib.sha256(SEED + counter.to_bytes(8, "big")).digest()
        for byte in digest:
            for shift in (6, 4, 2, 0):
                out.append("ACGT"[(byte >> shift) & 3])
        counter += 1
    return out[:n]


def offlocus_base(n: str, p38: int) -> str:
    """Stand-in REF base for positions outside the synthetic extract (not checkable)."""
    return "ACGT"[_hash_int("offlocus", n, p38) % 4]


def other_base(base: str, *parts: object) -> str:
    choices = [b for b in "ACGT" if b != base]
    return choices[_hash_int("alt", base, *parts) % 3]


# --------------------------------------------------------------------------------------
# Synthetic sequence
# --------------------------------------------------------------------------------------
def cds_genomic_positions() -> list[int]:
    return [p for s, e in CDS_SEGMENTS for p in range(s, e + 1)]


def c_to_g(c: int) -> int:
    return cds_genomic_positions()[c - 1]


def build_sequence() -> str:
    assert sum(e - s + 1 for s, e in CDS_SEGMENTS) == 3 * (len(PROTEIN) + 1) == 534
    seq = filler(REGION_END - REGION_START + 1)

    def setb(pos: int, base: str) -> None:
        seq[pos - REGION_START] = base

    for pos, base in PINNED_FILLER.items():
        setb(pos, base)
    codons = []
    for i, aa in enumerate(PROTEIN, start=1):
        codon = PINNED_CODONS.get(i, DEFAULT_CODON[aa])
        assert GENETIC_CODE[codon] == aa, (i, aa, codon)
        codons.append(codon)
    cds = "".join(codons) + STOP_CODON
    for base, pos in zip(cds, cds_genomic_positions()):
        setb(pos, base)
    for (_, prev_end), (next_start, _) in zip(EXONS, EXONS[1:]):
        setb(prev_end + 1, "G"), setb(prev_end + 2, "T")        # donor GT
        setb(next_start - 2, "A"), setb(next_start - 1, "G")    # acceptor AG
    return "".join(seq)


def write_fasta(path: Path, contig: str, seq: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="\n") as fh:
        fh.write(f">{contig}\n")
        for i in range(0, len(seq), 60):
            fh.write(seq[i:i + 60] + "\n")
    fai = Path(str(path) + ".fai")
    if fai.exists():
        fai.unlink()
    pysam.faidx(str(path))


SEQ = build_sequence()


def ref38(pos: int, length: int = 1) -> str:
    """REF bases at a GRCh38 chr2 position (synthetic inside the extract)."""
    if REGION_START <= pos and pos + length - 1 <= REGION_END:
        return SEQ[pos - REGION_START:pos - REGION_START + length]
    assert length == 1, "multi-base REF outside the synthetic extract"
    return offlocus_base("2", pos)


def translate(dna: str) -> str:
    return "".join(GENETIC_CODE[dna[i:i + 3]] for i in range(0, len(dna) - 2, 3))


# --------------------------------------------------------------------------------------
# HGVS helpers (for README only; the tool computes its own)
# --------------------------------------------------------------------------------------
def c_coord(p: int) -> str:
    cds = cds_genomic_positions()
    if CDS_START <= p <= CDS_END and p in cds:
        return str(cds.index(p) + 1)
    if p < CDS_START:
        return f"-{CDS_START - p}"
    if p > CDS_END:
        return f"*{p - CDS_END}"
    for (_, e), (s, _) in zip(EXONS, EXONS[1:]):
        if e < p < s:
            ce, cs = cds.index(e) + 1, cds.index(s) + 1
            return f"{ce}+{p - e}" if p - e <= s - p else f"{cs}-{s - p}"
    raise AssertionError(p)


def hgvs_snv(p: int, alt: str) -> str:
    ref = ref38(p)
    text = f"c.{c_coord(p)}{ref}>{alt}"
    cds = cds_genomic_positions()
    if p in cds:
        c = cds.index(p) + 1
        codon_start = (c - 1) // 3 * 3
        cds_seq = "".join(ref38(x) for x in cds)
        old = cds_seq[codon_start:codon_start + 3]
        new = list(old)
        new[(c - 1) % 3] = alt
        aa_old, aa_new = GENETIC_CODE[old], GENETIC_CODE["".join(new)]
        n = codon_start // 3 + 1
        if aa_old == aa_new:
            text += f" p.({THREE_LETTER[aa_old]}{n}=)"
        else:
            text += f" p.({THREE_LETTER[aa_old]}{n}{THREE_LETTER[aa_new]})"
    return text


# --------------------------------------------------------------------------------------
# VCF writing
# --------------------------------------------------------------------------------------
@dataclass
class SampleRow:
    sample: str
    carries: str
    status: str


@dataclass
class FileInfo:
    name: str
    shape: str
    build: str
    notes: str
    samples: list[SampleRow] = field(default_factory=list)
    in_samples_tsv: bool = False


FILES: list[FileInfo] = []
OWNED: list[Path] = []


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", newline="\n") as fh:
        fh.write(text)


def write_vcf(name: str, header: list[str], samples: list[str], records: list[list[object]]) -> Path:
    """Write a VCF; `.vcf.gz` -> BGZF + .tbi, `.bcf` -> BCF + .csi, `.vcf` -> plain text."""
    cols = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
    if samples:
        cols += ["FORMAT"] + samples
    lines = header + ["\t".join(cols)]
    for rec in records:
        assert len(rec) == len(cols), (name, rec)
        lines.append("\t".join(str(x) for x in rec))
    text = "\n".join(lines) + "\n"
    path = OUT / name
    for stale in (path, Path(str(path) + ".tbi"), Path(str(path) + ".csi")):
        if stale.exists():
            stale.unlink()
    if name.endswith(".vcf"):
        _write_text(path, text)
        OWNED.append(path)
        return path
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "in.vcf"
        _write_text(plain, text)
        if name.endswith(".vcf.gz"):
            pysam.tabix_compress(str(plain), str(path), force=True)
            pysam.tabix_index(str(path), preset="vcf", force=True)
            OWNED.extend([path, Path(str(path) + ".tbi")])
        elif name.endswith(".bcf"):
            with pysam.VariantFile(str(plain)) as vin, \
                    pysam.VariantFile(str(path), "wb", header=vin.header) as vout:
                for rec in vin:
                    vout.write(rec)
            pysam.tabix_index(str(path), preset="vcf", csi=True, force=True)
            OWNED.extend([path, Path(str(path) + ".csi")])
        else:
            raise ValueError(name)
    return path


def sort_records(records: list[list[object]], build: Build) -> list[list[object]]:
    order = {build.chrom(n): i for i, n in enumerate(PRIMARY)}
    return sorted(records, key=lambda r: (order[str(r[0])], int(r[1])))


# --------------------------------------------------------------------------------------
# GATK HaplotypeCaller
# --------------------------------------------------------------------------------------
GATK_VERSION = "4.4.0.0"
GATK_DATE = "January 1, 2024 at 12:00:00 AM UTC"


def gatk_hc_header(build: Build, sample: str, dbsnp: str) -> list[str]:
    cmd = (f"HaplotypeCaller --output {sample}.vcf.gz --dbsnp {dbsnp} --input {sample}.cram "
           f"--reference {build.reference} --annotation-group StandardAnnotation "
           f"--annotation-group StandardHCAnnotation --emit-ref-confidence NONE "
           f"--max-alternate-alleles 6 --standard-min-confidence-threshold-for-calling 30.0 "
           f"--sample-ploidy 2 --interval-padding 0")
    assembly = "b37" if build.key == "GRCh37" else None
    return [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=LowQual,Description="Low quality">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates are filtered)">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Normalized, Phred-scaled likelihoods for genotypes as defined in the VCF specification">',
        f'##GATKCommandLine=<ID=HaplotypeCaller,CommandLine="{cmd}",Version="{GATK_VERSION}",Date="{GATK_DATE}">',
        '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes, for each ALT allele, in the same order as listed">',
        '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele Frequency, for each ALT allele, in the same order as listed">',
        '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called genotypes">',
        '##INFO=<ID=BaseQRankSum,Number=1,Type=Float,Description="Z-score from Wilcoxon rank sum test of Alt Vs. Ref base qualities">',
        '##INFO=<ID=DB,Number=0,Type=Flag,Description="dbSNP Membership">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth; some reads may have been filtered">',
        '##INFO=<ID=ExcessHet,Number=1,Type=Float,Description="Phred-scaled p-value for exact test of excess heterozygosity">',
        '##INFO=<ID=FS,Number=1,Type=Float,Description="Phred-scaled p-value using Fisher\'s exact test to detect strand bias">',
        '##INFO=<ID=InbreedingCoeff,Number=1,Type=Float,Description="Inbreeding coefficient as estimated from the genotype likelihoods per-sample when compared against the Hardy-Weinberg expectation">',
        '##INFO=<ID=MLEAC,Number=A,Type=Integer,Description="Maximum likelihood expectation (MLE) for the allele counts (not necessarily the same as the AC), for each ALT allele, in the same order as listed">',
        '##INFO=<ID=MLEAF,Number=A,Type=Float,Description="Maximum likelihood expectation (MLE) for the allele frequency (not necessarily the same as the AF), for each ALT allele, in the same order as listed">',
        '##INFO=<ID=MQ,Number=1,Type=Float,Description="RMS Mapping Quality">',
        '##INFO=<ID=MQRankSum,Number=1,Type=Float,Description="Z-score From Wilcoxon rank sum test of Alt vs. Ref read mapping qualities">',
        '##INFO=<ID=QD,Number=1,Type=Float,Description="Variant Confidence/Quality by Depth">',
        '##INFO=<ID=ReadPosRankSum,Number=1,Type=Float,Description="Z-score from Wilcoxon rank sum test of Alt vs. Ref read position bias">',
        '##INFO=<ID=SOR,Number=1,Type=Float,Description="Symmetric Odds Ratio of 2x2 contingency table to detect strand bias">',
        *build.contig_lines(assembly),
        f"##reference=file://{build.reference}",
        "##source=HaplotypeCaller",
    ]


def gatk_hc_record(build: Build, n: str, p38: int, vid: str, ref: str, alt: str, gt: str,
                   sample: str) -> list[object]:
    """One single-sample HaplotypeCaller record; gt '0/1' or '1/1'."""
    dp = pick(28, 46, sample, n, p38, "dp")
    if gt == "1/1":
        ad = f"0,{dp}"
        qual = dp * 30 + pick(1, 99, sample, p38, "q") / 100 + 11
        pl = f"{int(qual) + 29},{3 * dp},0"
        info = (f"AC=2;AF=1.00;AN=2;{'DB;' if vid != '.' else ''}DP={dp};ExcessHet=0.0000;"
                f"FS=0.000;MLEAC=2;MLEAF=1.00;MQ=60.00;QD={qual / dp:.2f};"
                f"SOR={pick(600, 1200, sample, p38, 'sor') / 1000:.3f}")
    else:
        alt_n = dp // 2 - pick(0, 3, sample, p38, "ab")
        ad = f"{dp - alt_n},{alt_n}"
        qual = alt_n * 29 + pick(1, 99, sample, p38, "q") / 100 + 8
        pl = f"{int(qual) + 29},0,{(dp - alt_n) * 30 + pick(0, 60, sample, p38, 'pl')}"
        info = (f"AC=1;AF=0.500;AN=2;BaseQRankSum={pick(0, 1600, sample, p38, 'bq') / 1000 - 0.8:.3f};"
                f"{'DB;' if vid != '.' else ''}DP={dp};ExcessHet=0.0000;"
                f"FS={pick(0, 3000, sample, p38, 'fs') / 1000:.3f};MLEAC=1;MLEAF=0.500;MQ=60.00;"
                f"MQRankSum=0.000;QD={qual / dp:.2f};"
                f"ReadPosRankSum={pick(0, 1400, sample, p38, 'rp') / 1000 - 0.7:.3f};"
                f"SOR={pick(400, 1000, sample, p38, 'sor') / 1000:.3f}")
    return [build.chrom(n), build.pos(n, p38), vid, ref, alt, f"{qual:.2f}", ".", info,
            "GT:AD:DP:GQ:PL", f"{gt}:{ad}:{dp}:99:{pl}"]


def make_gatk_patient(build: Build, name: str) -> None:
    sample = "PATIENT_HOM_E77X"
    dbsnp = ("/ref/Homo_sapiens_assembly38.dbsnp138.vcf" if build.key == "GRCh38"
             else "/ref/dbsnp_138.b37.vcf")
    chr1_pos, chr1_ref = 10_000_000, offlocus_base("1", 10_000_000)
    recs = [
        gatk_hc_record(build, "1", chr1_pos, ".", chr1_ref, other_base(chr1_ref, "1", chr1_pos),
                       "0/1", sample),
        gatk_hc_record(build, "2", 112_000_000, ".", ref38(112_000_000),
                       other_base(ref38(112_000_000), 112_000_000), "0/1", sample),
        gatk_hc_record(build, "2", POS_INTRON1_SNV, ".", ref38(POS_INTRON1_SNV),
                       other_base(ref38(POS_INTRON1_SNV), POS_INTRON1_SNV), "0/1", sample),
        gatk_hc_record(build, "2", POS_RS419598, "rs419598", "T", "C", "0/1", sample),
        gatk_hc_record(build, "2", POS_C229, ".", "G", "T", "1/1", sample),
        gatk_hc_record(build, "2", POS_RS315952, "rs315952", "T", "C", "1/1", sample),
        gatk_hc_record(build, "2", 114_000_000, ".", ref38(114_000_000),
                       other_base(ref38(114_000_000), 114_000_000), "1/1", sample),
    ]
    write_vcf(name, gatk_hc_header(build, sample, dbsnp), [sample], sort_records(recs, build))
    intronic = hgvs_snv(POS_INTRON1_SNV, other_base(ref38(POS_INTRON1_SNV), POS_INTRON1_SNV))
    FILES.append(FileInfo(
        name, "GATK HaplotypeCaller 4.4 (single-sample VCF, --dbsnp IDs)", build_label(build),
        "Also carries out-of-locus records (chr1:10,000,000; chr2:112,000,000; chr2:114,000,000 in "
        "GRCh38 terms) that the tool must skip." + (" Same genotypes as the GRCh38 file, chr2 "
                                                    "positions +757,577." if build.key != "GRCh38" else ""),
        [SampleRow(sample, f"c.229G>T p.(Glu77Ter) 1/1; rs419598 c.171T>C 0/1; rs315952 c.390T>C 1/1; "
                           f"intron-1 SNV {intronic.split(' ')[0]} 0/1", "consistent_with_DIRA")],
        in_samples_tsv=build.key == "GRCh38"))


def build_label(build: Build) -> str:
    return {"GRCh38": "GRCh38 (`chr2`)", "GRCh37": "GRCh37 (`2`, b37)",
            "hg19": "GRCh37 lengths, UCSC `chr2` names (hg19)"}[build.key]


def make_gatk_single(name: str, sample: str, recs: list[list[object]], shape_note: str,
                     carries: str, status: str, build: Build = GRCH38) -> None:
    write_vcf(name, gatk_hc_header(build, sample, "/ref/Homo_sapiens_assembly38.dbsnp138.vcf"),
              [sample], sort_records(recs, build))
    FILES.append(FileInfo(name, "GATK HaplotypeCaller 4.4 (single-sample VCF)", build_label(build),
                          shape_note, [SampleRow(sample, carries, status)],
                          in_samples_tsv=build.key == "GRCh38"))


# --------------------------------------------------------------------------------------
# DeepVariant gVCF
# --------------------------------------------------------------------------------------
def make_deepvariant() -> None:
    name, sample = "deepvariant.CARRIER_Q54X.g.vcf.gz", "CARRIER_Q54X"
    header = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FILTER=<ID=RefCall,Description="Genotyping model thinks this site is reference.">',
        '##FILTER=<ID=LowQual,Description="Confidence in this variant being real is below calling threshold.">',
        '##FILTER=<ID=NoCall,Description="Site has depth=0 resulting in no call.">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End position (for use with symbolic alleles)">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Conditional genotype quality">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP observed within the GVCF block.">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Read depth for each allele">',
        '##FORMAT=<ID=VAF,Number=A,Type=Float,Description="Variant allele fractions.">',
        '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled genotype likelihoods rounded to the closest integer">',
        '##FORMAT=<ID=MED_DP,Number=1,Type=Integer,Description="Median DP observed within the GVCF block rounded to the nearest integer.">',
        "##DeepVariant_version=1.6.0",
        *GRCH38.contig_lines(),
    ]
    span = (113_125_001, 113_137_000)
    sites = [POS_C160, POS_DV_REFCALL]
    recs: list[list[object]] = []

    def blocks(start: int, end: int) -> None:
        pos = start
        while pos <= end:
            # small blocks next to a variant site, larger ones elsewhere
            near = any(0 < s - pos <= 12 or 0 < pos - s <= 12 for s in sites)
            size = pick(1, 4, "blk", pos) if near else pick(60, 1400, "blk", pos)
            bend = min(end, pos + size - 1)
            gq = pick(20, 60, "gq", pos)
            mdp = pick(18, 40, "mdp", pos)
            recs.append(["chr2", pos, ".", ref38(pos), "<*>", "0", ".", f"END={bend}",
                         "GT:GQ:MIN_DP:PL", f"0/0:{gq}:{mdp}:0,{gq},{gq * 10 + pick(0, 9, 'pl', pos)}"])
            pos = bend + 1

    blocks(span[0], POS_C160 - 1)
    recs.append(["chr2", POS_C160, ".", "C", "T,<*>", "47.3", "PASS", ".",
                 "GT:GQ:DP:AD:VAF:PL", "0/1:46:37:19,18,0:0.486486,0:47,0,52,990,990,990"])
    blocks(POS_C160 + 1, POS_DV_REFCALL - 1)
    rc_ref = ref38(POS_DV_REFCALL)
    recs.append(["chr2", POS_DV_REFCALL, ".", rc_ref, f"{other_base(rc_ref, 'rc')},<*>", "0.9",
                 "RefCall", ".", "GT:GQ:DP:AD:VAF:PL", "./.:17:33:29,4,0:0.121212,0:0,18,34,990,990,990"])
    blocks(POS_DV_REFCALL + 1, span[1])
    write_vcf(name, header, [sample], recs)
    FILES.append(FileInfo(
        name, "DeepVariant 1.6 gVCF (`<*>` reference blocks with END, GT:GQ:MIN_DP:PL)", build_label(GRCH38),
        f"Reference blocks cover chr2:{span[0]:,}-{span[1]:,} (the whole IL1RN MANE span) apart from "
        f"the two variant sites; one RefCall-filtered site ({POS_DV_REFCALL:,}, GT ./.).",
        [SampleRow(sample, f"{hgvs_snv(POS_C160, 'T')} 0/1 (ALT `T,<*>`); RefCall site ./.", "carrier")],
        in_samples_tsv=True))


# --------------------------------------------------------------------------------------
# bcftools mpileup/call joint cohort (+ bcftools filter, annotate, WhatsHap phase)
# --------------------------------------------------------------------------------------
BCFTOOLS_VERSION = "1.17+htslib-1.17"
BCFTOOLS_DATE = "Mon Jan  1 00:00:00 2024"
COHORT = ["FAM1_PROBAND", "FAM1_MOTHER", "FAM1_FATHER", "UNPHASED_COMPHET", "CIS_PAIR",
          "HOM_DEL2", "SPLICE_HOM", "MULTI_12", "PARTIAL", "ASSOC_ONLY", "NOCALL", "MISSENSE_VUS"]


def gt_alleles(gt: str) -> list[int | None]:
    return [None if a == "." else int(a) for a in gt.replace("|", "/").split("/")]


def bcftools_pl(gt: str, n_alleles: int, dp: int) -> str:
    called = gt_alleles(gt)
    out = []
    for b in range(n_alleles):
        for a in range(b + 1):
            if all(x is None for x in called):
                out.append(0)
                continue
            known = [x for x in called if x is not None]
            if len(known) == 2:
                diff = 2 - sum(min([a, b].count(v), known.count(v)) for v in set(known))
            else:  # partial call ./x
                diff = 0 if known[0] in (a, b) else 2
            out.append(0 if diff == 0 else min(255, diff * 3 * dp + 7))
    return ",".join(map(str, out))


def make_bcftools_cohort() -> None:
    name = "bcftools.joint_cohort.vcf.gz"
    missense_pos = c_to_g(MISSENSE_C)
    missense_ref = ref38(missense_pos)
    missense_alt = other_base(missense_ref, "missense")
    ms_hgvs = hgvs_snv(missense_pos, missense_alt)
    assert "=" not in ms_hgvs and "Ter" not in ms_hgvs, ms_hgvs
    lowq_ref = ref38(POS_INTRON2_LOWQ)
    lowq_alt = other_base(lowq_ref, "lowq")
    ps_fam, ps_cis = POS_C139, POS_C76

    # pos, id, ref, alts, qual, filter, {sample: (GT, PS)}
    sites = [
        (POS_RS4251961, "rs4251961", "T", ["C"], "225.417", "PASS", {"ASSOC_ONLY": ("0/1", ".")}),
        (POS_C76, ".", "C", ["T"], "188.364", "PASS",
         {"UNPHASED_COMPHET": ("0/1", "."), "CIS_PAIR": ("1|0", ps_cis)}),
        (POS_C133, ".", "C", ["T"], "176.058", "PASS",
         {"UNPHASED_COMPHET": ("0/1", "."), "CIS_PAIR": ("1|0", ps_cis)}),
        (POS_C139, ".", "AC", ["A"], "201.273", "PASS",
         {"FAM1_PROBAND": ("0|1", ps_fam), "FAM1_FATHER": ("0/1", ".")}),
        (POS_C154, ".", "AAC", ["A"], "228.112", "PASS", {"HOM_DEL2": ("1/1", ".")}),
        (POS_C160, ".", "C", ["T"], "214.905", "PASS",
         {"FAM1_PROBAND": ("1|0", ps_fam), "FAM1_MOTHER": ("0/1", ".")}),
        (POS_RS419598, "rs419598", "T", ["C"], "225.417", "PASS", {"ASSOC_ONLY": ("1/1", ".")}),
        (POS_INTRON2_LOWQ, ".", lowq_ref, [lowq_alt], "12.8863", "LowQual", {"SPLICE_HOM": ("0/1", ".")}),
        (POS_C229, ".", "G", ["T", "A"], "196.552", "PASS",
         {"MULTI_12": ("1/2", "."), "PARTIAL": ("./1", ".")}),
        (POS_C318P2, ".", "T", ["G"], "225.417", "PASS", {"SPLICE_HOM": ("1/1", ".")}),
        (missense_pos, ".", missense_ref, [missense_alt], "143.226", "PASS", {"MISSENSE_VUS": ("0/1", ".")}),
    ]
    recs = []
    for pos, vid, ref, alts, qual, filt, carried in sites:
        n_alleles = 1 + len(alts)
        sample_cols, an, ac = [], 0, [0] * len(alts)
        dp4 = [0, 0, 0, 0]
        total_dp = 0
        het_seen = False
        for s in COHORT:
            gt, ps = carried.get(s, ("./." if s == "NOCALL" else "0/0", "."))
            if s == "NOCALL":
                dp = 0
            elif gt == "./1":
                dp = 4
            else:
                dp = pick(22, 41, s, pos, "dp")
            called = gt_alleles(gt)
            ad = [0] * n_alleles
            if dp:
                known = [x for x in called if x is not None]
                for i, x in enumerate(known):
                    share = dp // len(known) if i < len(known) - 1 else dp - (dp // len(known)) * (len(known) - 1)
                    ad[x] += share
            for x in called:
                if x is not None:
                    an += 1
                    if x > 0:
                        ac[x - 1] += 1
            if any(x == 0 for x in called) and any(x not in (0, None) for x in called):
                het_seen = True
            dp4[0] += ad[0] // 2
            dp4[1] += ad[0] - ad[0] // 2
            alt_reads = sum(ad[1:])
            dp4[2] += alt_reads // 2
            dp4[3] += alt_reads - alt_reads // 2
            total_dp += dp
            sample_cols.append(f"{gt}:{bcftools_pl(gt, n_alleles, dp)}:{dp}:{','.join(map(str, ad))}:{ps}")
        info = []
        if len(ref) != len(alts[0]):
            idv = sum(int(c.split(":")[3].split(",")[1]) for c in sample_cols if c.split(":")[3] != "0,0")
            info += ["INDEL", f"IDV={idv}", f"IMF={pick(300, 999, pos, 'imf') / 1000:.6g}"]
        info += [f"DP={total_dp + pick(0, 20, pos, 'rawdp')}",
                 f"VDB={pick(10, 999, pos, 'vdb') / 1000:.6g}", f"SGB={-pick(100, 4000, pos, 'sgb') / 1000:.6g}"]
        if het_seen:
            info += [f"RPBZ={pick(0, 2000, pos, 'rpbz') / 1000 - 1:.6g}", "MQBZ=0",
                     f"MQSBZ={pick(0, 1000, pos, 'mqsbz') / 1000 - 0.5:.6g}",
                     f"BQBZ={pick(0, 2000, pos, 'bqbz') / 1000 - 1:.6g}", "SCBZ=0",
                     f"FS={pick(0, 3000, pos, 'fs') / 1000:.6g}"]
        info += ["MQ0F=0", f"AC={','.join(map(str, ac))}", f"AN={an}",
                 f"DP4={','.join(map(str, dp4))}", "MQ=60"]
        recs.append(["chr2", pos, vid, ref, ",".join(alts), qual, filt, ";".join(info),
                     "GT:PL:DP:AD:PS", *sample_cols])

    ref_path = GRCH38.reference
    header = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        f"##bcftoolsVersion={BCFTOOLS_VERSION}",
        f"##bcftoolsCommand=mpileup -Ou -f {ref_path} -a FORMAT/AD,FORMAT/DP -r chr2:112000000-114000000 -b cohort_crams.txt",
        f"##reference=file://{ref_path}",
        *GRCH38.contig_lines(),
        '##ALT=<ID=*,Description="Represents allele(s) other than observed.">',
        '##INFO=<ID=INDEL,Number=0,Type=Flag,Description="Indicates that the variant is an INDEL.">',
        '##INFO=<ID=IDV,Number=1,Type=Integer,Description="Maximum number of raw reads supporting an indel">',
        '##INFO=<ID=IMF,Number=1,Type=Float,Description="Maximum fraction of raw reads supporting an indel">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Raw read depth">',
        '##INFO=<ID=VDB,Number=1,Type=Float,Description="Variant Distance Bias for filtering splice-site artefacts in RNA-seq data (bigger is better)",Version="3">',
        '##INFO=<ID=RPBZ,Number=1,Type=Float,Description="Mann-Whitney U-z test of Read Position Bias (closer to 0 is better)">',
        '##INFO=<ID=MQBZ,Number=1,Type=Float,Description="Mann-Whitney U-z test of Mapping Quality Bias (closer to 0 is better)">',
        '##INFO=<ID=BQBZ,Number=1,Type=Float,Description="Mann-Whitney U-z test of Base Quality Bias (closer to 0 is better)">',
        '##INFO=<ID=MQSBZ,Number=1,Type=Float,Description="Mann-Whitney U-z test of Mapping Quality vs Strand Bias (closer to 0 is better)">',
        '##INFO=<ID=SCBZ,Number=1,Type=Float,Description="Mann-Whitney U-z test of Soft-Clip Length Bias (closer to 0 is better)">',
        '##INFO=<ID=FS,Number=1,Type=Float,Description="Phred-scaled p-value using Fisher\'s exact test to detect strand bias">',
        '##INFO=<ID=SGB,Number=1,Type=Float,Description="Segregation based metric, http://samtools.github.io/bcftools/rd-SegBias.pdf">',
        '##INFO=<ID=MQ0F,Number=1,Type=Float,Description="Fraction of MQ0 reads (smaller is better)">',
        '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="List of Phred-scaled genotype likelihoods">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Number of high-quality bases">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths (high-quality bases)">',
        '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes for each ALT allele, in the same order as listed">',
        '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called genotypes">',
        '##INFO=<ID=DP4,Number=4,Type=Integer,Description="Number of high-quality ref-forward , ref-reverse, alt-forward and alt-reverse bases">',
        '##INFO=<ID=MQ,Number=1,Type=Integer,Description="Average mapping quality">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        f"##bcftools_callVersion={BCFTOOLS_VERSION}",
        f"##bcftools_callCommand=call -mv -Ob -o cohort.calls.bcf; Date={BCFTOOLS_DATE}",
        '##FILTER=<ID=LowQual,Description="Set if true: QUAL<20">',
        f"##bcftools_filterVersion={BCFTOOLS_VERSION}",
        f"##bcftools_filterCommand=filter -s LowQual -e 'QUAL<20' -Ob -o cohort.filtered.bcf cohort.calls.bcf; Date={BCFTOOLS_DATE}",
        f"##bcftools_annotateVersion={BCFTOOLS_VERSION}",
        f"##bcftools_annotateCommand=annotate -a dbsnp156.GRCh38.vcf.gz -c ID -Oz -o cohort.annotated.vcf.gz cohort.filtered.bcf; Date={BCFTOOLS_DATE}",
        '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set identifier">',
        f'##commandline="(whatshap 2.1) whatshap phase --reference {ref_path} --ped cohort.ped -o bcftools.joint_cohort.vcf.gz cohort.annotated.vcf.gz cohort_crams.txt"',
    ]
    write_vcf(name, header, COHORT, recs)
    lowq = hgvs_snv(POS_INTRON2_LOWQ, lowq_alt).split(" ")[0]
    FILES.append(FileInfo(
        name, "bcftools 1.17 mpileup/call -mv joint VCF (GT:PL:DP:AD), then bcftools filter/annotate and "
              "WhatsHap phase (adds FORMAT/PS)", build_label(GRCH38),
        f"12 samples, 11 records; one multi-allelic record (c.229 G>T,A); rs4251961 lies upstream "
        f"(c.-10735) outside IL1RN; the intron-2 record at {POS_INTRON2_LOWQ:,} ({lowq}) has "
        f"FILTER=LowQual (QUAL 12.9). Non-carriers are 0/0; NOCALL is ./. with DP 0 everywhere.",
        [
            SampleRow("FAM1_PROBAND", "c.160C>T `1|0` + c.140del (VCF: 113,129,598 AC>A) `0|1`, "
                      f"same PS={ps_fam} -> in trans", "consistent_with_DIRA"),
            SampleRow("FAM1_MOTHER", "c.160C>T 0/1", "carrier"),
            SampleRow("FAM1_FATHER", "c.140del 0/1", "carrier"),
            SampleRow("UNPHASED_COMPHET", "c.76C>T + c.133C>T 0/1, unphased: not published alleles (their reports "
                      "were never read, issue 15), so the rules decide; without a reference sequence c.133C>T is "
                      "p.(Gln45Ter) by the protein alone (Gln45 CAR -> TAR; likely pathogenic), c.76C>T (Arg26 CGN "
                      "-> TGN: Ter, Trp or Cys) a VUS of unknown phase", "carrier"),
            SampleRow("CIS_PAIR", f"c.76C>T `1|0` + c.133C>T `1|0`, same PS={ps_cis} (as above; the VUS is in cis)",
                      "carrier"),
            SampleRow("HOM_DEL2", "c.156_157del (VCF: 113,129,613 AAC>A) 1/1", "consistent_with_DIRA"),
            SampleRow("SPLICE_HOM", f"c.318+2T>G 1/1 (+ LowQual intron-2 SNV {lowq} 0/1)",
                      "consistent_with_DIRA"),
            SampleRow("MULTI_12", "c.229 G>T,A GT 1/2: c.229G>T p.(Glu77Ter) + c.229G>A p.(Glu77Lys) (VUS)",
                      "carrier"),
            SampleRow("PARTIAL", "c.229G>T GT ./1 (partial call, DP 4)", "carrier"),
            SampleRow("ASSOC_ONLY", "rs419598 c.171T>C 1/1 + rs4251961 (c.-10735T>C) 0/1",
                      "no_pathogenic_variant_detected"),
            SampleRow("NOCALL", "./. at every record", "not_assessable"),
            SampleRow("MISSENSE_VUS", f"{ms_hgvs} 0/1 (novel, exon 4)", "uncertain_significance"),
        ],
        in_samples_tsv=True))


# --------------------------------------------------------------------------------------
# Manta
# --------------------------------------------------------------------------------------
def manta_header(build: Build, sample: str) -> list[str]:
    return [
        "##fileformat=VCFv4.1",
        f"##fileDate={FILE_DATE}",
        "##source=GenerateSVCandidates 1.6.0",
        f"##reference=file://{build.reference}",
        *build.contig_lines(),
        '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise structural variation">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
        '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Difference in length between REF and ALT alleles">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant described in this record">',
        '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="Confidence interval around POS">',
        '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="Confidence interval around END">',
        '##INFO=<ID=CIGAR,Number=A,Type=String,Description="CIGAR alignment for each alternate indel allele">',
        '##INFO=<ID=MATEID,Number=.,Type=String,Description="ID of mate breakend">',
        '##INFO=<ID=EVENT,Number=1,Type=String,Description="ID of event associated to breakend">',
        '##INFO=<ID=HOMLEN,Number=.,Type=Integer,Description="Length of base pair identical homology at event breakpoints">',
        '##INFO=<ID=HOMSEQ,Number=.,Type=String,Description="Sequence of base pair identical homology at event breakpoints">',
        '##INFO=<ID=SVINSLEN,Number=.,Type=Integer,Description="Length of insertion">',
        '##INFO=<ID=SVINSSEQ,Number=.,Type=String,Description="Sequence of insertion">',
        '##INFO=<ID=LEFT_SVINSSEQ,Number=.,Type=String,Description="Known left side of insertion for an insertion of unknown length">',
        '##INFO=<ID=RIGHT_SVINSSEQ,Number=.,Type=String,Description="Known right side of insertion for an insertion of unknown length">',
        '##INFO=<ID=BND_DEPTH,Number=1,Type=Integer,Description="Read depth at local translocation breakend">',
        '##INFO=<ID=MATE_BND_DEPTH,Number=1,Type=Integer,Description="Read depth at remote translocation mate breakend">',
        '##INFO=<ID=JUNCTION_QUAL,Number=1,Type=Integer,Description="If the SV junction is part of an EVENT (ie. a multi-adjacency variant), this field provides the QUAL value for the adjacency in question only">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=FT,Number=1,Type=String,Description="Sample filter, \'PASS\' indicates that all filters have passed for this sample">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
        '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Normalized, Phred-scaled likelihoods for genotypes as defined in the VCF specification">',
        '##FORMAT=<ID=PR,Number=.,Type=Integer,Description="Spanning paired-read support for the ref and alt alleles in the order listed">',
        '##FORMAT=<ID=SR,Number=.,Type=Integer,Description="Split reads for the ref and alt alleles in the order listed, for reads where P(allele|read)>0.999">',
        '##FILTER=<ID=Ploidy,Description="For DEL & DUP variants, the genotypes of overlapping variants (with similar size) are inconsistent with diploid expectation">',
        '##FILTER=<ID=MaxDepth,Description="Depth is greater than 3x the median chromosome depth near one or both variant breakends">',
        '##FILTER=<ID=MaxMQ0Frac,Description="For a small variant (<1000 bases), the fraction of reads in all samples with MAPQ0 around either breakend exceeds 0.4">',
        '##FILTER=<ID=NoPairSupport,Description="For variants significantly larger than the paired read fragment size, no paired reads support the alternate allele in any sample.">',
        '##FILTER=<ID=MinQUAL,Description="QUAL score is less than 20">',
        '##FILTER=<ID=SampleFT,Description="No sample passes all the sample-level filters (at the field FORMAT/FT)">',
        '##FILTER=<ID=MinGQ,Description="GQ score is less than 15 (filter applied at sample level)">',
        '##FILTER=<ID=HomRef,Description="homozygous reference call (filter applied at sample level)">',
        '##ALT=<ID=INV,Description="Inversion">',
        '##ALT=<ID=DEL,Description="Deletion">',
        '##ALT=<ID=INS,Description="Insertion">',
        '##ALT=<ID=DUP:TANDEM,Description="Tandem Duplication">',
        f"##cmdline=/opt/manta/bin/configManta.py --bam /data/{sample}.cram --referenceFasta {build.reference} --runDir manta_{sample}",
    ]


def make_manta(build: Build, name: str) -> None:
    sample = "DEL175_HOM"
    c = build.chrom("2")
    p = lambda x: build.pos("2", x)  # noqa: E731
    d0, d1 = DEL175
    q0, q1 = PSD4_DEL
    b0, b1 = 128_250_000, 136_500_000
    b0ref, b1ref = offlocus_base("2", b0), offlocus_base("2", b1)
    homseq = "".join(offlocus_base("2", q0 + 1 + i) for i in range(2))
    recs = [
        [c, p(d0), "MantaDEL:48211:0:1:0:0:0", ref38(d0), "<DEL>", 999, "PASS",
         f"IMPRECISE;SVTYPE=DEL;SVLEN=-{d1 - d0};END={p(d1)};CIPOS=-150,150;CIEND=-120,120",
         "GT:FT:GQ:PL:PR", "1/1:PASS:86:999,89,0:0,41"],
        [c, p(q0), "MantaDEL:48930:0:0:0:1:0", ref38(q0), "<DEL>", 412, "PASS",
         f"END={p(q1)};SVTYPE=DEL;SVLEN=-{q1 - q0};CIPOS=0,2;CIEND=0,2;HOMLEN=2;HOMSEQ={homseq}",
         "GT:FT:GQ:PL:PR:SR", "0/1:PASS:99:462,0,715:27,9:31,14"],
        [c, p(b0), "MantaBND:50117:0:1:0:0:0:0", b0ref, f"{b0ref}[{c}:{p(b1)}[", 288, "PASS",
         "SVTYPE=BND;MATEID=MantaBND:50117:0:1:0:0:0:1;CIPOS=0,1;HOMLEN=1;HOMSEQ=" + offlocus_base("2", b0 + 1)
         + ";BND_DEPTH=38;MATE_BND_DEPTH=35", "GT:FT:GQ:PL:PR:SR", "0/1:PASS:99:338,0,621:24,8:19,11"],
        [c, p(b1), "MantaBND:50117:0:1:0:0:0:1", b1ref, f"]{c}:{p(b0)}]{b1ref}", 288, "PASS",
         "SVTYPE=BND;MATEID=MantaBND:50117:0:1:0:0:0:0;CIPOS=0,1;HOMLEN=1;HOMSEQ=" + offlocus_base("2", b1 + 1)
         + ";BND_DEPTH=35;MATE_BND_DEPTH=38", "GT:FT:GQ:PL:PR:SR", "0/1:PASS:99:338,0,621:24,8:19,11"],
    ]
    write_vcf(name, manta_header(build, sample), [sample], sort_records(recs, build))
    genes = [g for g, s, e, _ in CLUSTER_GENES if s <= d1 and e >= d0 + 1]
    assert genes == ["IL36G", "IL36A", "IL36B", "IL36RN", "IL1F10", "IL1RN"], genes
    FILES.append(FileInfo(
        name, "Manta 1.6 diploidSV.vcf.gz (VCFv4.1)", build_label(build),
        "Also a precise 450 bp `<DEL>` inside PSD4 (0/1, must not count as IL1RN) and an intra-chr2 BND "
        "pair far from the locus. Imprecise records carry no SR (as Manta writes them)."
        + (" Positions are the GRCh38 file's +757,577." if build.key != "GRCh38" else ""),
        [SampleRow(sample, f"IMPRECISE `<DEL>` {p(d0):,}-{p(d1):,} (~175 kb, CIPOS ±150, CIEND ±120) 1/1; "
                           f"deleted genes {', '.join(genes)}", "consistent_with_DIRA")],
        in_samples_tsv=build.key == "GRCh38"))


# --------------------------------------------------------------------------------------
# DELLY2
# --------------------------------------------------------------------------------------
def delly_header(build: Build) -> list[str]:
    return [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        f"##fileDate={FILE_DATE}",
        '##ALT=<ID=DEL,Description="Deletion">',
        '##ALT=<ID=DUP,Description="Duplication">',
        '##ALT=<ID=INV,Description="Inversion">',
        '##ALT=<ID=BND,Description="Translocation">',
        '##ALT=<ID=INS,Description="Insertion">',
        '##FILTER=<ID=LowQual,Description="Poor quality and insufficient number of PEs and SRs.">',
        '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="PE confidence interval around END">',
        '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="PE confidence interval around POS">',
        '##INFO=<ID=CHR2,Number=1,Type=String,Description="Chromosome for POS2 coordinate in case of an inter-chromosomal translocation">',
        '##INFO=<ID=POS2,Number=1,Type=Integer,Description="Genomic position for CHR2 in case of an inter-chromosomal translocation">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the structural variant">',
        '##INFO=<ID=PE,Number=1,Type=Integer,Description="Paired-end support of the structural variant">',
        '##INFO=<ID=MAPQ,Number=1,Type=Integer,Description="Median mapping quality of paired-ends">',
        '##INFO=<ID=SRMAPQ,Number=1,Type=Integer,Description="Median mapping quality of split-reads">',
        '##INFO=<ID=SR,Number=1,Type=Integer,Description="Split-read support">',
        '##INFO=<ID=SRQ,Number=1,Type=Float,Description="Split-read consensus alignment quality">',
        '##INFO=<ID=CONSENSUS,Number=1,Type=String,Description="Split-read consensus sequence">',
        '##INFO=<ID=CE,Number=1,Type=Float,Description="Consensus sequence entropy">',
        '##INFO=<ID=CT,Number=1,Type=String,Description="Paired-end signature induced connection type">',
        '##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="Length of the SV">',
        '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise structural variation">',
        '##INFO=<ID=PRECISE,Number=0,Type=Flag,Description="Precise structural variation">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
        '##INFO=<ID=SVMETHOD,Number=1,Type=String,Description="Type of approach used to detect SV">',
        '##INFO=<ID=INSLEN,Number=1,Type=Integer,Description="Predicted length of the insertion">',
        '##INFO=<ID=HOMLEN,Number=1,Type=Integer,Description="Predicted microhomology length using a max. edit distance of 2">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=GL,Number=G,Type=Float,Description="Log10-scaled genotype likelihoods for RR,RA,AA genotypes">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
        '##FORMAT=<ID=FT,Number=1,Type=String,Description="Per-sample genotype filter">',
        '##FORMAT=<ID=RC,Number=1,Type=Integer,Description="Raw high-quality read counts or base counts for the SV">',
        '##FORMAT=<ID=RCL,Number=1,Type=Integer,Description="Raw high-quality read counts or base counts for the left control region">',
        '##FORMAT=<ID=RCR,Number=1,Type=Integer,Description="Raw high-quality read counts or base counts for the right control region">',
        '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Read-depth based copy-number estimate for autosomal sites">',
        '##FORMAT=<ID=DR,Number=1,Type=Integer,Description="# high-quality reference pairs">',
        '##FORMAT=<ID=DV,Number=1,Type=Integer,Description="# high-quality variant pairs">',
        '##FORMAT=<ID=RR,Number=1,Type=Integer,Description="# high-quality reference junction reads">',
        '##FORMAT=<ID=RV,Number=1,Type=Integer,Description="# high-quality variant junction reads">',
        f"##reference={build.reference}",
        *build.contig_lines(),
    ]


DELLY_FORMAT = "GT:GL:GQ:FT:RCL:RC:RCR:CN:DR:DV:RR:RV"


def delly_del(vid: str, start: int, end: int, precise: bool, gts: list[str]) -> list[object]:
    """A DELLY <DEL> record (GRCh38 chr2), start = POS (base before the deletion), end = END."""
    if precise:
        cons = (ref38(start - 19, 20) + ref38(end + 1, 20)
                if REGION_START < start - 20 and end + 20 < REGION_END else None)
        info = (f"PRECISE;SVTYPE=DEL;SVMETHOD=EMBL.DELLYv1.1.6;END={end};PE={pick(6, 18, vid, 'pe')};"
                f"MAPQ=60;CT=3to5;CIPOS=-4,4;CIEND=-4,4;SRMAPQ=60;INSLEN=0;HOMLEN=3;SR={pick(5, 14, vid, 'sr')};"
                f"SRQ=0.9{pick(100, 999, vid, 'srq')};" + (f"CONSENSUS={cons};" if cons else "")
                + f"CE=1.9{pick(10, 99, vid, 'ce')};SVLEN=-{end - start}")
    else:
        info = (f"IMPRECISE;SVTYPE=DEL;SVMETHOD=EMBL.DELLYv1.1.6;END={end};PE={pick(4, 9, vid, 'pe')};"
                f"MAPQ=55;CT=3to5;CIPOS=-160,160;CIEND=-160,160;SVLEN=-{end - start}")
    cols = []
    for i, gt in enumerate(gts):
        rc = pick(300, 900, vid, i, "rc")
        if gt == "0/1":
            cols.append(f"0/1:-{pick(20, 60, vid, i)}.{pick(1000, 9999, vid, i)},0,-{pick(40, 90, vid, i)}.{pick(1000, 9999, vid, i, 'b')}"
                        f":{pick(150, 400, vid, i, 'gq')}:PASS:{2 * rc}:{rc}:{2 * rc + 7}:1:{pick(18, 30, vid, i, 'dr')}:"
                        f"{pick(8, 14, vid, i, 'dv')}:{pick(15, 28, vid, i, 'rr')}:{pick(6, 12, vid, i, 'rv')}")
        elif gt == "1/1":
            cols.append(f"1/1:-{pick(60, 90, vid, i)}.{pick(1000, 9999, vid, i)},-{pick(9, 15, vid, i)}.{pick(1000, 9999, vid, i, 'b')},0"
                        f":{pick(90, 150, vid, i, 'gq')}:PASS:{2 * rc}:{pick(0, 5, vid, i, 'rc0')}:{2 * rc + 7}:0:0:"
                        f"{pick(12, 20, vid, i, 'dv')}:0:{pick(8, 14, vid, i, 'rv')}")
        else:
            cols.append(f"0/0:0,-{pick(6, 9, vid, i)}.{pick(1000, 9999, vid, i)},-{pick(50, 80, vid, i)}.{pick(1000, 9999, vid, i, 'b')}"
                        f":{pick(60, 99, vid, i, 'gq')}:PASS:{2 * rc}:{rc * 2 + 3}:{2 * rc + 7}:2:{pick(25, 40, vid, i, 'dr')}:0:"
                        f"{pick(20, 35, vid, i, 'rr')}:0")
    return ["chr2", start, vid, ref38(start), "<DEL>", pick(300, 1200, vid, "q"), "PASS", info, DELLY_FORMAT, *cols]


def make_delly_cohort() -> None:
    name = "delly.cohort.bcf"
    samples = ["DELLY_HET_EXON2_3", "DELLY_REF"]
    recs = [
        delly_del("DEL00000071", 64_103_220, 64_105_940, False, ["0/0", "0/1"]),
        delly_del("DEL00000112", *DEL_EXON2_3, True, ["0/1", "0/0"]),
        delly_del("DEL00000140", 150_880_500, 150_884_100, False, ["0/1", "0/1"]),
    ]
    write_vcf(name, delly_header(GRCH38), samples, recs)
    a, b = DEL_EXON2_3
    FILES.append(FileInfo(
        name, "DELLY2 1.1.6 genotyped cohort BCF (`delly call -g`), indexed .csi", build_label(GRCH38),
        "Two further `<DEL>` records on chr2 far from the locus (64.1 Mb, 150.9 Mb).",
        [SampleRow("DELLY_HET_EXON2_3", f"PRECISE `<DEL>` POS {a:,} END {b:,} (2.6 kb; exons 2 and 3 and "
                                        "c.318+2 removed) 0/1; exons 2-3 out of frame, frame change in the last "
                                        "exon: PVS1_Strong", "uncertain_significance"),
         SampleRow("DELLY_REF", "0/0 at the same record (no deletion called; an SV call set: small variants "
                                "not assessed)", "not_assessable")],
        in_samples_tsv=True))


def make_symbolic_and_urbaneja() -> None:
    # explicit-allele deletion (HaplotypeCaller) vs the same deletion as <DEL> (DELLY)
    a, b = EXPLICIT_DEL
    ref = ref38(a, b - a + 1)
    make_gatk_single("explicit_vs_symbolic.vcf.gz", "EXPLICIT_DEL",
                     [gatk_hc_record(GRCH38, "2", a, ".", ref, ref[0], "0/1", "EXPLICIT_DEL")],
                     f"One 200 bp deletion written with explicit alleles (REF = {b - a + 1} bases "
                     f"{a:,}-{b:,}, ALT = first base): deletes {a + 1:,}-{b:,}, i.e. all of exon 2.",
                     f"explicit 200 bp deletion of {a + 1:,}-{b:,} (exon 2) 0/1; without a sequence NMD is "
                     "unknown: at least PVS1_Strong", "uncertain_significance")
    sample = "SYMBOLIC_DEL"
    write_vcf("symbolic_same_del.vcf.gz", delly_header(GRCH38), [sample],
              [delly_del("DEL00000090", a, b, True, ["0/1"])])
    FILES.append(FileInfo(
        "symbolic_same_del.vcf.gz", "DELLY2 1.1.6 (VCF, `<DEL>`)", build_label(GRCH38),
        "The same deletion as explicit_vs_symbolic.vcf.gz written as `<DEL>`; both files must give the "
        "same rows apart from REF/ALT.",
        [SampleRow(sample, f"`<DEL>` POS {a:,} END {b:,} (exon 2) 0/1; without a sequence NMD is unknown: "
                   "at least PVS1_Strong", "uncertain_significance")], in_samples_tsv=True))

    # URBANEJA_LIKE: splice SNV in one file, exon 2-3 deletion in another
    sample = "URBANEJA_LIKE"
    make_gatk_single("gatk_hc.URBANEJA_LIKE.vcf.gz", sample,
                     [gatk_hc_record(GRCH38, "2", POS_C318P2, ".", "T", "G", "0/1", sample)],
                     "First half of a cross-file compound heterozygote (see delly_like.URBANEJA_LIKE.sv.vcf.gz).",
                     "c.318+2T>G 0/1 (this file) + exon 2-3 `<DEL>` 0/1 (other file, PVS1_Strong: uncertain), "
                     "phase unknown", "carrier (DIRA not excluded: the deletion is a VUS of unknown phase)")
    u0, u1 = URBANEJA_DEL
    write_vcf("delly_like.URBANEJA_LIKE.sv.vcf.gz", delly_header(GRCH38), [sample],
              [delly_del("DEL00000031", u0, u1, True, ["0/1"])])
    FILES.append(FileInfo(
        "delly_like.URBANEJA_LIKE.sv.vcf.gz", "DELLY2 1.1.6 (VCF, `<DEL>`)", build_label(GRCH38),
        f"`<DEL>` POS {u0:,} END {u1:,}: deletes {u0 + 1:,}-{u1:,} = exons 2 and 3 (2,601 bp). END is the "
        f"last base of exon 3, so the c.318+2 site ({POS_C318P2:,}) stays outside the deletion and the "
        "0/1 splice call in the companion file is not contradicted by it.",
        [SampleRow(sample, "exon 2-3 `<DEL>` 0/1 (this file, PVS1_Strong: uncertain) + c.318+2T>G 0/1 (other file)",
                   "carrier (DIRA not excluded: the deletion is a VUS of unknown phase)")], in_samples_tsv=True))


# --------------------------------------------------------------------------------------
# GATK gCNV segments
# --------------------------------------------------------------------------------------
def make_gcnv() -> None:
    name, sample = "gatk_gcnv.SEGMENTS_CN0.vcf.gz", "GCNV_CN0"
    cmd = ("PostprocessGermlineCNVCalls --calls-shard-path gcnv_calls/shard_0-calls "
           "--model-shard-path gcnv_model/shard_0-model --contig-ploidy-calls ploidy-calls --sample-index 0 "
           "--autosomal-ref-copy-number 2 --allosomal-contig chrX --allosomal-contig chrY "
           f"--output-genotyped-intervals {sample}.intervals.vcf.gz --output-genotyped-segments {sample}.segments.vcf.gz "
           f"--output-denoised-copy-ratios {sample}.denoised_copy_ratios.tsv "
           "--sequence-dictionary /ref/Homo_sapiens_assembly38.dict")
    header = [
        "##fileformat=VCFv4.2",
        '##ALT=<ID=DEL,Description="Deletion">',
        '##ALT=<ID=DUP,Description="Duplication">',
        '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Segment most-likely copy-number call">',
        # GATK 4.0/4.1 declare GT as Integer (haploid allele index). htslib then cannot read GT.
        '##FORMAT=<ID=GT,Number=1,Type=Integer,Description="Segment genotype">',
        '##FORMAT=<ID=NP,Number=1,Type=Integer,Description="Number of points (i.e. targets or bins) in the segment">',
        '##FORMAT=<ID=QA,Number=1,Type=Integer,Description="Complementary Phred-scaled probability that all points (i.e. targets or bins) in the segment agree with the segment copy-number call">',
        '##FORMAT=<ID=QS,Number=1,Type=Integer,Description="Complementary Phred-scaled probability that at least one point (i.e. target or bin) in the segment agrees with the segment copy-number call">',
        '##FORMAT=<ID=QSE,Number=1,Type=Integer,Description="Complementary Phred-scaled probability that the segment end position is a genuine copy-number changepoint">',
        '##FORMAT=<ID=QSS,Number=1,Type=Integer,Description="Complementary Phred-scaled probability that the segment start position is a genuine copy-number changepoint">',
        f'##GATKCommandLine=<ID=PostprocessGermlineCNVCalls,CommandLine="{cmd}",Version="4.1.9.0",Date="{GATK_DATE}">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End coordinate of the variant">',
        *GRCH38.contig_lines(),
        "##source=PostprocessGermlineCNVCalls",
    ]
    segs = [  # chrom, start, end, GT, CN, NP, QA, QS, QSE, QSS
        ("chr1", 65_509, 248_912_000, 0, 2, 20_312, 24, 3_077, 178, 160),
        ("chr2", 41_359, GCNV_DEL[0] - 1, 0, 2, 9_788, 31, 3_077, 96, 164),
        ("chr2", GCNV_DEL[0], GCNV_DEL[1], 1, 0, 9, 136, 1_408, 112, 98),
        ("chr2", GCNV_DEL[1] + 1, 242_152_100, 0, 2, 7_034, 27, 3_077, 171, 103),
    ]
    recs = [[c, s, f"CNV_{c}_{s}_{e}", "N", "<DEL>,<DUP>", qs, ".", f"END={e}",
             "GT:CN:NP:QA:QS:QSE:QSS", f"{gt}:{cn}:{np_}:{qa}:{qs}:{qse}:{qss}"]
            for c, s, e, gt, cn, np_, qa, qs, qse, qss in segs]
    write_vcf(name, header, [sample], recs)
    FILES.append(FileInfo(
        name, "GATK 4.1 gCNV PostprocessGermlineCNVCalls --output-genotyped-segments", build_label(GRCH38),
        "REF is `N` and every record lists ALT `<DEL>,<DUP>`; GT is a haploid allele index (0 ref, 1 DEL, "
        "2 DUP) and QUAL = QS, as GATK 4.1 writes them. As in real GATK 4.0/4.1 output, FORMAT/GT is declared "
        "`Type=Integer`: htslib (bcftools, pysam, cyvcf2) then cannot decode GT (bcftools prints `.`, "
        "cyvcf2 `.genotypes` raises), so copy number must come from FORMAT/CN. Neutral CN=2 segments "
        "flank the loss and cover chr1.",
        [SampleRow(sample, f"segment {GCNV_DEL[0]:,}-{GCNV_DEL[1]:,} GT 1 (DEL) CN 0 (homozygous loss of all "
                           "of IL1RN; no other cluster gene)", "consistent_with_DIRA")],
        in_samples_tsv=True))


# --------------------------------------------------------------------------------------
# Exome CNV caller converted output (plain VCF)
# --------------------------------------------------------------------------------------
def make_cnv_mix() -> None:
    name = "cnv_symbolic_mix.vcf"
    samples = ["EXOME_CN1", "EXOME_CN0"]
    header = [
        "##fileformat=VCFv4.2",
        f"##fileDate={FILE_DATE}",
        "##source=ExomeDepth v1.1.16 calls converted with exomedepth2vcf 0.4; <CN0> and <DEL:ME> records merged in",
        f"##reference=file://{GRCH38.reference}",
        *GRCH38.contig_lines(),
        '##ALT=<ID=CNV,Description="Copy number variable region">',
        '##ALT=<ID=CN0,Description="Copy number allele: 0 copies">',
        '##ALT=<ID=DEL:ME,Description="Deletion of mobile element relative to the reference">',
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant described in this record">',
        '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Difference in length between REF and ALT alleles">',
        '##INFO=<ID=BF,Number=1,Type=Float,Description="ExomeDepth Bayes factor">',
        '##INFO=<ID=READS_RATIO,Number=1,Type=Float,Description="ExomeDepth observed/expected read ratio">',
        '##INFO=<ID=NEXONS,Number=1,Type=Integer,Description="Number of exome targets in the call">',
        '##INFO=<ID=MEINFO,Number=4,Type=String,Description="Mobile element info of the form NAME,START,END,POLARITY">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number genotype for imprecise events">',
    ]
    c0, c1 = CNV_EXONS
    m0, m1 = DEL_ME
    recs = [
        ["chr2", c0, "IL1RN_CNV_1", ref38(c0), "<CNV>", ".", "PASS",
         f"SVTYPE=CNV;END={c1};BF=38.2;READS_RATIO=0.49;NEXONS=4", "GT:CN", "0/1:1", "1/1:0"],
        ["chr2", c0, "IL1RN_CN0_1", ref38(c0), "<CN0>", ".", "PASS",
         f"SVTYPE=CNV;SVLEN=-{c1 - c0}", "GT:CN", "0/1:1", "1/1:0"],
        ["chr2", m0, "IL1RN_DELME_1", ref38(m0), "<DEL:ME>", ".", "PASS",
         f"SVTYPE=DEL;END={m1};SVLEN=-{m1 - m0};MEINFO=AluYa5,1,{m1 - m0},+", "GT:CN", "0/1:.", "./.:."],
    ]
    write_vcf(name, header, samples, recs)
    FILES.append(FileInfo(
        name, "exome CNV caller (ExomeDepth) output converted to VCF; plain text, no index", build_label(GRCH38),
        f"Three records: `<CNV>` with END over exons 1-4 ({c0:,}-{c1:,}); the same region as `<CN0>` given "
        f"by SVLEN=-{c1 - c0} and NO END (htslib-based region queries see it as 1 bp long, so the tool "
        f"must derive the end from SVLEN); a 300 bp `<DEL:ME>` (AluYa5) in intron 3 ({m0 + 1:,}-{m1:,}, "
        "no exon or splice site touched - must not count as a P/LP allele). Not bgzipped: read it by "
        "streaming.",
        [SampleRow("EXOME_CN1", "`<CNV>` CN=1 (GT 0/1) and `<CN0>` 0/1 over exons 1-4; intronic `<DEL:ME>` 0/1",
                   "carrier"),
         SampleRow("EXOME_CN0", "`<CNV>` CN=0 (GT 1/1) and `<CN0>` 1/1 over exons 1-4; `<DEL:ME>` ./.",
                   "consistent_with_DIRA")],
        in_samples_tsv=True))


# --------------------------------------------------------------------------------------
# Build-detection oddities
# --------------------------------------------------------------------------------------
def make_no_contigs() -> None:
    name, sample = "no_contigs.vcf", "NOCONTIG_E77X_HET"
    header = [
        "##fileformat=VCFv4.1",
        "##source=VarScan2",
        '##INFO=<ID=ADP,Number=1,Type=Integer,Description="Average per-sample depth of bases with Phred score >= 15">',
        '##INFO=<ID=WT,Number=1,Type=Integer,Description="Number of samples called reference (wild-type)">',
        '##INFO=<ID=HET,Number=1,Type=Integer,Description="Number of samples called heterozygous-variant">',
        '##INFO=<ID=HOM,Number=1,Type=Integer,Description="Number of samples called homozygous-variant">',
        '##INFO=<ID=NC,Number=1,Type=Integer,Description="Number of samples not called">',
        '##FILTER=<ID=str10,Description="Less than 10% or more than 90% of variant supporting reads on one strand">',
        '##FILTER=<ID=indelError,Description="Likely artifact due to indel reads at this position">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
        '##FORMAT=<ID=SDP,Number=1,Type=Integer,Description="Raw Read Depth as reported by SAMtools">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Quality Read Depth of bases with Phred score >= 15">',
        '##FORMAT=<ID=RD,Number=1,Type=Integer,Description="Depth of reference-supporting bases (reads1)">',
        '##FORMAT=<ID=AD,Number=1,Type=Integer,Description="Depth of variant-supporting bases (reads2)">',
        '##FORMAT=<ID=FREQ,Number=1,Type=String,Description="Variant allele frequency">',
        '##FORMAT=<ID=PVAL,Number=1,Type=String,Description="P-value from Fisher\'s Exact Test">',
        '##FORMAT=<ID=RBQ,Number=1,Type=Integer,Description="Average quality of reference-supporting bases (qual1)">',
        '##FORMAT=<ID=ABQ,Number=1,Type=Integer,Description="Average quality of variant-supporting bases (qual2)">',
        '##FORMAT=<ID=RDF,Number=1,Type=Integer,Description="Depth of reference-supporting bases on forward strand (reads1plus)">',
        '##FORMAT=<ID=RDR,Number=1,Type=Integer,Description="Depth of reference-supporting bases on reverse strand (reads1minus)">',
        '##FORMAT=<ID=ADF,Number=1,Type=Integer,Description="Depth of variant-supporting bases on forward strand (reads2plus)">',
        '##FORMAT=<ID=ADR,Number=1,Type=Integer,Description="Depth of variant-supporting bases on reverse strand (reads2minus)">',
    ]
    recs = [["chr2", POS_C229, ".", "G", "T", ".", "PASS", "ADP=41;WT=0;HET=1;HOM=0;NC=0",
             "GT:GQ:SDP:DP:RD:AD:FREQ:PVAL:RBQ:ABQ:RDF:RDR:ADF:ADR",
             "0/1:255:42:41:20:21:51.22%:1.4286E-8:37:36:11:9:10:11"]]
    write_vcf(name, header, [sample], recs)
    FILES.append(FileInfo(
        name, "VarScan2 mpileup2snp --output-vcf (VCFv4.1, no ##contig lines, FORMAT/AD Number=1)",
        "undetectable (no ##contig, no ##reference); `chr2` names; coordinates are GRCh38",
        "The build cannot be detected from the header: the tool must refuse or ask for --build. "
        "Given GRCh38 explicitly, the result is below.",
        [SampleRow(sample, "c.229G>T p.(Glu77Ter) 0/1 (GRCh38 position 113,131,068)",
                   "carrier (with the build given as GRCh38); build not detectable otherwise")]))


def make_hg19_named() -> None:
    name, sample = "hg19_named.vcf.gz", "HG19_E77X_HOM"
    recs = [
        gatk_hc_record(HG19, "2", POS_RS419598, "rs419598", "T", "C", "0/1", sample),
        gatk_hc_record(HG19, "2", POS_C229, ".", "G", "T", "1/1", sample),
    ]
    write_vcf(name, gatk_hc_header(HG19, sample, "/ref/dbsnp_138.hg19.vcf"), [sample], sort_records(recs, HG19))
    FILES.append(FileInfo(
        name, "GATK HaplotypeCaller on the UCSC hg19 bundle (chrM first, chrM length 16571)",
        build_label(HG19),
        "GRCh37 contig lengths with UCSC names and ##reference=file:///ref/hg19.fa: the build is GRCh37 "
        "(hg19) and positions are GRCh37 (c.229 at chr2:113,888,645).",
        [SampleRow(sample, "c.229G>T p.(Glu77Ter) 1/1 (chr2:113,888,645); rs419598 0/1 (chr2:113,887,207)",
                   "consistent_with_DIRA")]))


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------
def check_reference() -> None:
    for path, contig in ((FASTA38, CONTIG38), (FASTA37, CONTIG37)):
        with pysam.FastaFile(str(path)) as fa:
            assert list(fa.references) == [contig], fa.references
            seq = fa.fetch(contig).upper()
        assert seq == SEQ
        cds = "".join(seq[p - REGION_START] for p in cds_genomic_positions())
        assert translate(cds) == PROTEIN + "*", "CDS does not translate to the IL1RN protein"
        assert cds[-3:] == STOP_CODON
        for (_, e), (s, _) in zip(EXONS, EXONS[1:]):
            assert seq[e + 1 - REGION_START:e + 3 - REGION_START] == "GT"
            assert seq[s - 2 - REGION_START:s - REGION_START] == "AG"
    cds = "".join(ref38(p) for p in cds_genomic_positions())
    expect = {76: "C", 133: "C", 139: "A", 140: "C", 141: "C", 154: "A", 155: "A", 156: "C",
              157: "A", 158: "A", 159: "C", 160: "C", 171: "T", 216: "T", 229: "G", 390: "T"}
    for c, base in expect.items():
        assert cds[c - 1] == base, (c, cds[c - 1], base)
    assert ref38(POS_C318P2 - 1) == "G" and ref38(POS_C318P2) == "T"  # c.318+1 G, c.318+2 T
    named = {POS_C76: 76, POS_C133: 133, POS_C139: 139, POS_C154: 154, POS_C160: 160,
             POS_RS419598: 171, POS_C229: 229, POS_RS315952: 390}
    for pos, c in named.items():
        assert c_to_g(c) == pos, (c, c_to_g(c), pos)
    assert ref38(POS_RS4251961) == "T"


def check_vcf(path: Path) -> int:
    """Read back with pysam; compare small-variant REFs with the FASTA; check left-alignment."""
    name = path.name
    build = HG19 if name.startswith("hg19") else GRCH37 if name.startswith("grch37") else GRCH38
    locus_chrom = build.chrom("2")
    n = 0
    with pysam.VariantFile(str(path)) as vf, pysam.FastaFile(str(build.fasta)) as fa:
        for rec in vf:
            n += 1
            p38 = rec.pos - build.offset
            inside = rec.chrom == locus_chrom and REGION_START <= p38 and rec.stop - build.offset <= REGION_END
            if not inside:
                continue
            if rec.ref == "N":  # gCNV writes N
                continue
            start0 = p38 - REGION_START
            fasta_ref = fa.fetch(build.fasta_contig, start0, start0 + len(rec.ref)).upper()
            if any(a.startswith("<") or "[" in a or "]" in a for a in rec.alts or ()):
                assert rec.ref == fasta_ref[:1], (name, rec.pos, rec.ref, fasta_ref)
                continue
            assert rec.ref == fasta_ref, (name, rec.pos, rec.ref, fasta_ref)
            for alt in rec.alts or ():
                if len(alt) != len(rec.ref):
                    assert alt[0] == rec.ref[0], (name, rec.pos, "indel without anchor base")
                    if len(rec.ref) > len(alt):  # deletion of rec.ref[len(alt):]
                        deleted_last = rec.ref[-1]
                        assert rec.ref[len(alt) - 1] != deleted_last, (name, rec.pos, "not left-aligned")
                        # the base before the anchor must not allow a further shift either
                    else:  # insertion
                        assert alt[-1] != rec.ref[-1], (name, rec.pos, "not left-aligned")
    return n


# --------------------------------------------------------------------------------------
# README / samples.tsv
# --------------------------------------------------------------------------------------
def md_escape(s: str) -> str:
    return s.replace("|", "\\|")


def write_samples_tsv() -> None:
    rows = ["sample\tvcf"]
    for f in FILES:
        if f.in_samples_tsv:
            for s in f.samples:
                rows.append(f"{s.sample}\ttest_data/{f.name}")
    path = OUT / "samples.tsv"
    _write_text(path, "\n".join(rows) + "\n")
    OWNED.append(path)


def write_readmes() -> None:
    ref_readme = f"""# Synthetic IL1RN locus reference (test use only)

> **SYNTHETIC SEQUENCE - FOR TESTING ONLY - NEVER FOR CLINICAL USE.**
> Apart from the constrained bases listed below, every base in these FASTA files is random
> filler produced by `test_data/make_test_data.py` (SHA-256 stream, fixed seed). It is not the
> human genome sequence.

| file | contig | genomic span |
|---|---|---|
| `{FASTA38.name}` (+ `.fai`) | `{CONTIG38}` | GRCh38 chr2:{REGION_START:,}-{REGION_END:,} |
| `{FASTA37.name}` (+ `.fai`) | `{CONTIG37}` | GRCh37 2:{REGION_START + GRCH37_OFFSET:,}-{REGION_END + GRCH37_OFFSET:,} |

Both files hold the same 60,000 bases. Contig names follow the samtools-faidx region style:
base *i* (1-based) of the contig is chromosome position {REGION_START - 1:,} + *i* (GRCh38) or
{REGION_START - 1 + GRCH37_OFFSET:,} + *i* (GRCh37).

What is real (placed deliberately):
* the IL1RN MANE Select {TRANSCRIPT} layout: exons {", ".join(f"{s:,}-{e:,}" for s, e in EXONS)} (GRCh38),
  CDS {CDS_START:,}-{CDS_END:,}; every intron starts with GT and ends with AG;
* the CDS back-translates the 177-aa IL-1Ra precursor with one fixed codon per amino acid and a
  TGA stop; the generator asserts that translating the CDS from the FASTA gives the protein + stop;
* published bases the test variants rely on: c.76 C (Arg26 CGA), c.133 C (Gln45 CAG),
  c.139-141 ACC (Thr47), c.154-159 AACAAC (Asn52 Asn53), c.160 C (Gln54 CAG), c.171 T (Ala57 GCT),
  c.216 T (Asp72 GAT), c.229 G (Glu77 GAG), c.390 T (Ser130 TCT), c.318+1 G, c.318+2 T;
* filler bases pinned for test variants: {POS_RS4251961:,} T (rs4251961), {EXPLICIT_DEL[0]:,} G and
  {EXPLICIT_DEL[1]:,} A (keep the 200 bp explicit deletion left-aligned).

Everything else (UTRs, introns, flanks, other codons' third positions) is synthetic.
"""
    _write_text(REF_DIR / "README.md", ref_readme)
    OWNED.append(REF_DIR / "README.md")

    lines = [
        "# il1rn-annot test data",
        "",
        "_Generated by `test_data/make_test_data.py` - edit the script, not this file._",
        "",
        "Regenerate (byte-identical every time) from the repository root with",
        "`/work/venv/bin/python test_data/make_test_data.py`. The script uses only the standard library",
        "and pysam, pins every header date to 20240101, and checks its own output (REF bases against the",
        "synthetic FASTA, left-aligned indels, CDS translation, read-back with pysam).",
        "Compressed bytes (.gz/.tbi/.bcf/.csi) are identical for a given pysam build; another",
        "pysam/htslib/zlib build may compress differently while the decompressed text stays the same,",
        "so tests should compare decoded records, not compressed bytes.",
        "",
        "All variant positions sit on a **synthetic** locus sequence (`ref/`, see `ref/README.md`):",
        "REF bases of small variants match that FASTA, not the real genome. Positions outside the",
        "60 kb extract (out-of-locus records, SV anchors, BND mates) use stand-in REF bases.",
        "GRCh38 files use `chr2`, GRCh37 files `2` (b37); each carries the primary-assembly `##contig`",
        "lines with that build's real lengths. GRCh37 = GRCh38 + 757,577 in this region.",
        "",
        "## Files",
        "",
        "| file | imitates | build / naming | notes |",
        "|---|---|---|---|",
    ]
    for f in FILES:
        idx = (".tbi" if f.name.endswith(".vcf.gz") else ".csi" if f.name.endswith(".bcf") else "none")
        lines.append(f"| `{f.name}` (index: {idx}) | {md_escape(f.shape)} | {md_escape(f.build)} | {md_escape(f.notes)} |")
    lines += [
        f"| `ref/{FASTA38.name}` (+ .fai) | synthetic locus FASTA | GRCh38, contig `{CONTIG38}` | see ref/README.md |",
        f"| `ref/{FASTA37.name}` (+ .fai) | synthetic locus FASTA | GRCh37, contig `{CONTIG37}` | same sequence |",
        "| `samples.tsv` | sample sheet (`sample<TAB>vcf`) | - | every (sample, file) pair of the GRCh38 files; "
        "URBANEJA_LIKE has two rows (one per file) |",
        "",
        "## Samples and expected interpretation",
        "",
        "HGVS on NM_173842.3 as computed from the synthetic FASTA. `dira_status` values are those of "
        "docs/outputs.md.",
        "",
        "| file | sample | what it carries | expected dira_status |",
        "|---|---|---|---|",
    ]
    for f in FILES:
        for s in f.samples:
            lines.append(f"| `{f.name}` | `{s.sample}` | {md_escape(s.carries)} | **{md_escape(s.status)}** |")
    lines += [
        "",
        "## Points to know",
        "",
        "* **c.140del naming.** The VCF record is the left-aligned 113,129,598 AC>A (deletes c.140). "
        "c.140 and c.141 are both C, so the HGVS 3'-rule name of the same allele is `c.141del` "
        "(p.Thr47fs); `c.140del` is the name this data set (and the project brief) uses for it. "
        "Match on the normalised VCF allele, not on the HGVS string.",
        "* **c.156_157del** is 113,129,613 AAC>A after left-alignment (deletes c.155_156); its HGVS "
        "3'-shifted name is c.156_157del.",
        "* **gCNV GT.** `gatk_gcnv.SEGMENTS_CN0.vcf.gz` declares FORMAT/GT as `Type=Integer`, as "
        "GATK 4.0/4.1 do. htslib-based readers cannot decode that GT (bcftools shows `.`; cyvcf2 raises "
        "\"error parsing genotypes\"), so use FORMAT/CN (0 = homozygous loss).",
        "* **`<CN0>` without END.** In `cnv_symbolic_mix.vcf` the `<CN0>` record has only SVLEN; "
        "htslib (1.16) gives it rlen 1, so region queries and `rec.stop` miss its real extent.",
        "* **URBANEJA_LIKE** is split across two files; the phase of the two alleles is unknown, hence "
        "possible_DIRA. The DELLY cohort deletion (113,129,400-113,132,000) does cover c.318+2; the "
        "URBANEJA_LIKE deletion deliberately stops at the end of exon 3 so that the 0/1 splice call is "
        "not contradicted by it.",
        "* **EXOME_CN1** also carries the intronic `<DEL:ME>` 0/1; with a one-copy loss over the region "
        "a real caller would see it hemizygous. It is there to test that an intronic mobile-element "
        "deletion is not counted as a P/LP allele.",
        "* **FILTER** is `.` (no filter applied) in the HaplotypeCaller files, the gCNV file and the "
        "DeepVariant reference blocks, as those tools write it; `PASS` elsewhere, except the cohort "
        "LowQual record and the DeepVariant RefCall site. Sample-level FT (Manta, DELLY) is PASS.",
        "* **Coverage of the CDS.** The DeepVariant gVCF's `<*>` blocks (GQ 20-55, MIN_DP 23-40) cover all "
        "534 bp of the IL1RN CDS with confident calls (GQ >= 20, MIN_DP >= 10): `cds_coverage` 1.0. The block "
        "113,132,561-113,133,162 over exon 4 has GQ 20, exactly the default threshold (`--min-gq 21` leaves "
        "exon 4's 216 bp uncovered). `delly.cohort.bcf` is an SV call set: DELLY_REF (0/0 at the deletion) "
        "is `not_assessable` (no deletion detected; small variants not assessed).",
        "",
        '## Population and ClinVar resources (`evidence/`, issue 20)',
        '',
        "Written by `evidence/make_evidence_data.py` (not by this script), bgzipped with a tabix index, for `--population-vcf` / `--clinvar-vcf`. Positions are the knowledge base's IL1RN positions (GRCh37 = GRCh38 + 757,577); REF bases agree with the synthetic FASTA. **Frequencies, counts and ClinVar identifiers (VariationIDs 90000001-90000004) are invented for the tests**: never read them as gnomAD's or ClinVar's figures.",
        '',
        '| file | shape | records |',
        '|---|---|---|',
        '| `evidence/gnomad.joint.v4.1.sites.chr2.IL1RN.vcf.bgz` | gnomAD v4.1 joint, GRCh38, `chr2`: `AC_joint`, `AN_joint`, `AF_joint`, `nhomalt_joint`, `AF_grpmax_joint`, `grpmax_joint`, `fafmax_faf95_max_joint` | intron-1 A-run deletion 113,127,810 CA>C (left-aligned); rs419598 c.171T>C (AF 27 %: BA1); c.181C>T p.(Gln61Ter) (AC 1: PM2_Supporting); E77X c.229G>T (1 homozygote: the warning); one multi-allelic record c.449T>A,C (A rare, C above the BS1 threshold) |',
        '| `evidence/gnomad.exomes.r2.1.1.sites.2.IL1RN.vcf.bgz` | gnomAD v2.1.1 exomes, GRCh37, `2`: `AC`, `AN`, `AF`, `nhomalt`, `popmax`, `AF_popmax` (no faf95: BS1 reads `AF_popmax`) | the same alleles at GRCh37 positions |',
        '| `evidence/clinvar_GRCh38.IL1RN.vcf.gz` | ClinVar VCF of `vcf_GRCh38/`, chromosome `2`, `##fileDate=2024-12-01`, `##reference=GRCh38` | rs419598 Benign (2 stars); E77X Pathogenic (1 star); c.449T>A conflicting classifications (CLNSIGCONF); c.449T>C Likely pathogenic (1 star, a conflict with BS1) |',
        '| `evidence/clinvar_GRCh37.IL1RN.vcf.gz` | the same, `vcf_GRCh37/`, `##reference=GRCh37` | the same alleles at GRCh37 positions |',
        '',
        'Header lines: the ClinVar `##INFO` lines (ALLELEID, CLNDN, CLNHGVS, CLNREVSTAT, CLNSIG, CLNSIGCONF, CLNVC, GENEINFO, RS) and `##fileformat=VCFv4.1`, `##fileDate`, `##source=ClinVar` are copied from ClinVar headers reproduced in public repositories (resources/VERIFICATION.md, section 10); the v2.1.1 `AC`/`AN`/`AF`/`nhomalt`/`popmax`/`AF_popmax` lines likewise. The v4.1 joint field IDs, Numbers and Types are as two independent public parsers of the v4.1 joint release use them; their Description texts and the `##contig` lines of the gnomAD files were not read from a release header (what build detection needs is the chromosome-2 length). The wrong-build and unindexed cases are made by the tests from these files (the GRCh37 file given with a GRCh38 input; a copy without its `.tbi`).',
        "",
        "## Fixtures written by the tests",
        "",
        "Caller shapes that need no shipped file are written by the tests themselves, header lines included "
        "as the callers write them. `tests/test_coverage.py` (issue 16, the called locus): GATK 3.5 "
        "HaplotypeCaller `-ERC GVCF` (`##GVCFBlock` bands 0-5/5-20/20-60/60+, `<NON_REF>`, "
        "GT:DP:GQ:MIN_DP:PL; the block chr2:113,090,940-113,193,547 GT 0/0 DP 0 GQ 0 reported on real "
        "files), GATK 4.2 gVCF (GQ bands of 1), a CombineGVCFs two-sample gVCF, DeepVariant 1.6 gVCF "
        "(`<*>`, GT:GQ:MIN_DP:PL, a RefCall `./.` site in the CDS), a HaplotypeCaller variant-only VCF (with "
        "and without a chromosome-2 record), Manta 1.6 and DELLY2 SV VCFs and a GATK 4.1 gCNV segment, each "
        "in GRCh38 (`chr2`) and GRCh37 (`2`, +757,577).",
        "",
    ]
    _write_text(OUT / "README.md", "\n".join(lines))
    OWNED.append(OUT / "README.md")


# --------------------------------------------------------------------------------------
def main() -> int:
    os.chdir(OUT)
    write_fasta(FASTA38, CONTIG38, SEQ)
    write_fasta(FASTA37, CONTIG37, SEQ)
    OWNED.extend([FASTA38, Path(str(FASTA38) + ".fai"), FASTA37, Path(str(FASTA37) + ".fai")])
    check_reference()

    make_gatk_patient(GRCH38, "gatk_hc.PATIENT_HOM_E77X.vcf.gz")
    make_deepvariant()
    make_bcftools_cohort()
    make_manta(GRCH38, "manta.DEL175_HOM.vcf.gz")
    make_delly_cohort()
    make_gcnv()
    make_cnv_mix()
    make_symbolic_and_urbaneja()
    make_gatk_patient(GRCH37, "grch37.gatk_hc.PATIENT_HOM_E77X.vcf.gz")
    make_manta(GRCH37, "grch37.manta.DEL175_HOM.vcf.gz")
    make_no_contigs()
    make_hg19_named()

    for f in FILES:
        check_vcf(OUT / f.name)
    write_samples_tsv()
    write_readmes()
    total = sum(p.stat().st_size for p in OWNED)
    assert total < 2_000_000, total
    for p in OWNED:
        print(p.relative_to(REPO_ROOT))
    print(f"{len(OWNED)} files, {total:,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
