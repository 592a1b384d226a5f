#!/usr/bin/env python3
"""Performance benchmarks: il1rn-annot against bcftools on the same synthetic inputs.

Run from the repository root with the project's virtualenv:

    python benchmarks/run_benchmarks.py            # full sizes (~5 min; +2 min to generate inputs once)
    python benchmarks/run_benchmarks.py --quick    # small sizes, CI smoke test (< 1 minute)
    python benchmarks/run_benchmarks.py --scenarios 1,3 --keep-data

Every scenario times OUR command and the bcftools command on the same input in the same run,
and reports wall time, the ratio ours/bcftools and peak resident memory (GNU `/usr/bin/time -v`
when present, else `os.wait4` rusage: both give the peak RSS of the largest process in the
tree). Results go to stdout as a table and to `benchmarks/out/results.json`.

Inputs are synthetic but realistic: a GRCh38 header with every primary contig and its real
length, chromosome 2 dense around the IL-1 cluster, GATK/bcftools-like FORMAT fields, a
rare-heavy allele-frequency spectrum for joint calls (95% of sites rare, 5% common),
multi-allelic sites and missing calls. In IL1RN's read window the variant types sit where real
ones are, as in a screening cohort: anything in introns, UTRs and upstream; in the coding
exons and splice regions only SNVs at third codon positions (rare) and the known alleles
(rs419598, rs315952, rs4251961 at roughly their population frequencies; the DIRA allele
c.229G>T in ~0.3% of samples as heterozygous carriers, plus one homozygote). Text is generated
with vectorised numpy (whole records are assembled as byte matrices), then compressed with `bgzip -@2` and indexed with
tabix. Only the standard library, numpy and pysam are imported.

Scenarios (see benchmarks/README.md):
  1  joint VCF, 2,504 and 10,000 samples, a variant about every 10 bp in the read window:
     `il1rn-annot annotate` vs `bcftools query -r WINDOW -f '[%GT\\t]\\n'`            target ratio <= 1.5
  2  1,000 single-sample indexed VCFs through the Snakemake workflow (cohort mode) vs a shell
     loop of `bcftools view -r WINDOW`; also one `il1rn-annot annotate f1..fN` process  target <= 3
  3  one unindexed bgzipped 4-million-record WGS VCF vs `bcftools view -t WINDOW`     target <= 1.5
  4  one indexed >= 1 GB WGS VCF vs the same sample in a ~1 MB file (same window records):
     annotate big / annotate small, beside `bcftools view -r`; --checksum full's cost   target <= 1.3
  5  `annotate --population-vcf` with a >= 1 GB indexed gnomAD-shaped VCF vs `annotate` without
     it (not bcftools: the cost of the lookup; ratio printed)                        target <= 1.5
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pysam

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"
GNU_TIME = "/usr/bin/time"


def _grch38_contigs() -> list[tuple[str, int]]:
    """GRCh38 primary-assembly contigs with UCSC names: the one table in test_data's generator."""
    sys.path.insert(0, str(REPO / "test_data"))
    try:
        from make_test_data import GRCH38_LENGTHS
    finally:
        sys.path.pop(0)
    return [(f"chr{name}", length) for name, length in GRCH38_LENGTHS.items()]


#: GRCh38 primary assembly (assembly_report GCA_000001405.15), UCSC names, real lengths
GRCH38 = _grch38_contigs()
#: IL-1 cluster (IL1A .. PAX8) on GRCh38 chr2, the "dense" part of chromosome 2
CLUSTER = (112_700_000, 113_300_000)


def screen_window() -> tuple[str, int, int]:
    """The GRCh38 window the tool reads, from the knowledge base (no YAML parser needed)."""
    text = (REPO / "resources" / "knowledge_base" / "locus.yaml").read_text()
    match = re.search(r"^screen_window:\s*\n\s+GRCh38:\s*\[(\d+),\s*(\d+)\]", text, re.M)
    if not match:
        return "chr2", 113115598, 113136014
    return "chr2", int(match.group(1)), int(match.group(2))


CHROM, WSTART, WEND = screen_window()
REGION = f"{CHROM}:{WSTART}-{WEND}"


# ------------------------------------------------------------------------------------------
# where real variants are: the IL1RN exons, CDS and splice sites, and a few known alleles


def il1rn_model() -> tuple[list[tuple[int, int]], int, int]:
    """GRCh38 exons, CDS start and end of the IL1RN MANE transcript (from locus.yaml)."""
    text = (REPO / "resources" / "knowledge_base" / "locus.yaml").read_text()
    match = re.search(
        r"GRCh38:\s*\n\s+exons:\s*(\[\[.*?\]\])\s*\n\s+cds_start:\s*(\d+).*?\n\s+cds_end:\s*(\d+)", text, re.S
    )
    if not match:
        return (
            [(113127598, 113127740), (113129576, 113129664), (113131045, 113131157), (113132656, 113134014)],
            113127625,
            113132871,
        )
    exons = [(int(a), int(b)) for a, b in re.findall(r"\[(\d+),\s*(\d+)\]", match.group(1))]
    return exons, int(match.group(2)), int(match.group(3))


EXONS, CDS_START, CDS_END = il1rn_model()
#: curated alleles placed on purpose (GRCh38 position, REF, ALT, ID), with the alternate allele
#: frequency used: the three association SNPs of the knowledge base at roughly their frequency
#: in European populations (approximate: the benchmark needs plausible, not exact, numbers), and
#: the published DIRA allele c.229G>T (p.Glu77Ter) as a rare allele (see RARE_CARRIERS)
KNOWN_SNPS = [
    (113116890, "T", "C", "rs4251961", 0.35),  # upstream
    (113129630, "T", "C", "rs419598", 0.27),  # c.171T>C p.(Ala57=), exon 2
    (113132727, "T", "C", "rs315952", 0.30),
]  # c.390T>C p.(Ser130=), exon 4
E77X = (113131068, "G", "T", ".")  # c.229G>T, pathogenic (knowledge base)
#: heterozygous carriers of c.229G>T per sample, plus exactly one homozygote in every cohort
RARE_CARRIERS = 0.003


def cds_positions() -> np.ndarray:
    """Genomic positions of c.1 .. c.N (spliced CDS), in c. order."""
    out = []
    for x0, x1 in EXONS:
        lo, hi = max(x0, CDS_START), min(x1, CDS_END)
        if lo <= hi:
            out.extend(range(lo, hi + 1))
    return np.array(out, dtype=np.int64)


def third_codon_positions() -> np.ndarray:
    """c.3k positions, without the start and stop codons and the known SNPs: a SNV there is
    mostly synonymous in real genes (without a reference FASTA the tool calls it
    coding_sequence_variant, uncertain significance, which flags no sample)."""
    cds = cds_positions()
    third = cds[2::3][1:-1]
    known = {pos for pos, *_ in KNOWN_SNPS} | {E77X[0]}
    return np.array([p for p in third if p not in known], dtype=np.int64)


def noncoding_mask(positions: np.ndarray, margin: int = 10) -> np.ndarray:
    """True for positions at least `margin` bp away from the CDS and from every splice region
    (3 exonic and 8 intronic bases at each exon-intron junction): any SNV or small indel there
    is intronic, UTR or upstream (likely benign for the tool), never LoF or splice-altering."""
    pos = np.asarray(positions)
    bad = np.zeros(len(pos), dtype=bool)
    zones = [(max(x0, CDS_START), min(x1, CDS_END)) for x0, x1 in EXONS if max(x0, CDS_START) <= min(x1, CDS_END)]
    for k in range(len(EXONS) - 1):
        donor, acceptor = EXONS[k][1], EXONS[k + 1][0]
        zones += [(donor - 2, donor + 8), (acceptor - 8, acceptor + 2)]
    for lo, hi in zones:
        bad |= (pos >= lo - margin) & (pos <= hi + margin)
    known = np.array([p for p, *_ in KNOWN_SNPS] + [E77X[0]])
    bad |= np.isin(pos, known)
    return ~bad


THIRD_CODON = third_codon_positions()


# ------------------------------------------------------------------------------------------
# vectorised text: a column is (uint8 matrix rows x width, validity mask or None); a row of
# the output is the concatenation of the valid bytes of each column, in order.


def const_col(text: str, n: int) -> tuple[np.ndarray, None]:
    b = np.frombuffer(text.encode(), dtype=np.uint8)
    return np.broadcast_to(b, (n, len(b))), None


def int_col(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Decimal ASCII of non-negative integers, left-aligned."""
    v = np.asarray(values, dtype=np.int64)
    nd = np.ones(len(v), dtype=np.int64)
    for k in range(1, 19):
        big = v >= 10**k
        if not big.any():
            break
        nd += big
    width = int(nd.max()) if len(v) else 1
    exp = nd[:, None] - 1 - np.arange(width)[None, :]
    valid = exp >= 0
    digits = (v[:, None] // (10 ** np.where(valid, exp, 0))) % 10 + 48
    return digits.astype(np.uint8), valid


class Tokens:
    """A table of strings gathered by index into a column."""

    def __init__(self, strings: list[str]) -> None:
        raw = [s.encode() for s in strings]
        self.lens = np.array([len(s) for s in raw], dtype=np.int64)
        self.width = max(1, int(self.lens.max()))
        self.table = np.zeros((len(raw), self.width), dtype=np.uint8)
        for i, s in enumerate(raw):
            self.table[i, : len(s)] = np.frombuffer(s, dtype=np.uint8)

    def col(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.table[idx], np.arange(self.width)[None, :] < self.lens[idx][:, None]

    def wide(self, idx2d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One row per row of idx2d: the tokens of that row side by side (e.g. sample columns)."""
        r, n = idx2d.shape
        mat = self.table[idx2d].reshape(r, n * self.width)
        mask = (np.arange(self.width)[None, None, :] < self.lens[idx2d][:, :, None]).reshape(r, n * self.width)
        return mat, mask


def join_cols(cols: list[tuple[np.ndarray, np.ndarray | None]]) -> bytes:
    mats = [np.ascontiguousarray(m) for m, _ in cols]
    masks = [np.ones(m.shape, dtype=bool) if k is None else k for m, k in cols]
    return np.hstack(mats)[np.hstack(masks)].tobytes()


# ------------------------------------------------------------------------------------------
# headers


def header(samples: list[str], fmt_lines: list[str], info_lines: list[str], source: str) -> str:
    lines = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FILTER=<ID=LowQual,Description="Low quality">',
        (
            '##FILTER=<ID=VQSRTrancheSNP99.90to100.00,Description="Truth sensitivity tranche level for SNP model '
            'at VQS Lod: -6.6 <= x < -2.1">'
        ),
        *fmt_lines,
        *info_lines,
        f"##source={source}",
        "##fileDate=20240101",
    ]
    lines += [f"##contig=<ID={name},length={length}>" for name, length in GRCH38]
    lines.append("##reference=file:///ref/GRCh38_full_analysis_set_plus_decoy_hla.fa")
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]))
    return "\n".join(lines) + "\n"


FMT_GT = '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">'
FMT_DP = '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">'
FMT_AD = '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles">'
FMT_GQ = '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">'
FMT_PL = '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Normalized, Phred-scaled likelihoods">'
INFO_STD = [
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes">',
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele Frequency">',
    '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called genotypes">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
]
INFO_GATK = [
    *INFO_STD,
    '##INFO=<ID=FS,Number=1,Type=Float,Description="Fisher strand bias">',
    '##INFO=<ID=MQ,Number=1,Type=Float,Description="RMS Mapping Quality">',
    '##INFO=<ID=QD,Number=1,Type=Float,Description="Variant Confidence/Quality by Depth">',
    '##INFO=<ID=SOR,Number=1,Type=Float,Description="Symmetric Odds Ratio">',
]

BASES = np.array(list("ACGT"))


def random_alleles(rng: np.random.Generator, n: int, multi_frac: float) -> tuple[list[str], list[str], np.ndarray]:
    """REF/ALT strings: ~83% SNVs, ~9% deletions, ~8% insertions, `multi_frac` two-ALT sites."""
    kind = rng.random(n)
    ref_b = rng.integers(0, 4, n)
    alt_b = (ref_b + rng.integers(1, 4, n)) % 4
    alt2_b = (alt_b + rng.integers(1, 3, n)) % 4
    alt2_b = np.where(alt2_b == ref_b, (alt2_b + 1) % 4, alt2_b)
    ext = rng.integers(0, 4, (n, 6))
    ext_len = rng.integers(1, 6, n)
    multi = rng.random(n) < multi_frac
    refs, alts = [], []
    for i in range(n):
        r = BASES[ref_b[i]]
        if multi[i]:
            refs.append(r)
            alts.append(f"{BASES[alt_b[i]]},{BASES[alt2_b[i]]}")
        elif kind[i] < 0.83:
            refs.append(r)
            alts.append(BASES[alt_b[i]])
        elif kind[i] < 0.92:
            refs.append(r + "".join(BASES[ext[i, : ext_len[i]]]))
            alts.append(r)
        else:
            refs.append(r)
            alts.append(r + "".join(BASES[ext[i, : ext_len[i]]]))
    return refs, alts, multi


def sorted_positions(rng: np.random.Generator, lo: int, hi: int, n: int) -> np.ndarray:
    return np.unique(rng.integers(lo, hi, n))


# ------------------------------------------------------------------------------------------
# bgzip / tabix


class Bgzip:
    """`bgzip -@2 -c > path` fed from Python (falls back to pysam.BGZFile)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if shutil.which("bgzip"):
            self._fh = open(path, "wb")  # noqa: SIM115 - bgzip writes to it until close()
            self._proc: subprocess.Popen | None = subprocess.Popen(
                ["bgzip", "-@", "2", "-c"], stdin=subprocess.PIPE, stdout=self._fh
            )
            self.write = self._proc.stdin.write  # type: ignore[union-attr]
        else:
            self._proc = None
            self._bgzf = pysam.BGZFile(str(path), "wb")
            self.write = self._bgzf.write

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()  # type: ignore[union-attr]
            if self._proc.wait() != 0:
                raise RuntimeError(f"bgzip failed for {self.path}")
            self._fh.close()
        else:
            self._bgzf.close()


def tabix(path: Path) -> None:
    pysam.tabix_index(str(path), preset="vcf", force=True, keep_original=True)


# ------------------------------------------------------------------------------------------
# scenario 1: joint VCF


def joint_sites(rng: np.random.Generator, quick: bool) -> list[tuple[str, int]]:
    """A variant about every 10 bp across the read window, chr2 dense around it, a few elsewhere."""
    win = WSTART - 5 + np.cumsum(rng.integers(1, 20, 2 * (WEND - WSTART) // 10 + 100))
    win = win[(win >= WSTART) & (win <= WEND)]
    flank = 20_000 if quick else 100_000
    left = sorted_positions(rng, WSTART - flank, WSTART, flank // 200)
    right = sorted_positions(rng, WEND + 1, WEND + flank, flank // 200)
    chr2 = np.unique(
        np.concatenate(
            [
                sorted_positions(rng, 1_000_000, WSTART - flank, 40),
                left,
                win,
                right,
                sorted_positions(rng, WEND + flank, 240_000_000, 40),
            ]
        )
    )
    sites = [("chr1", int(p)) for p in sorted_positions(rng, 1_000_000, 248_000_000, 50)]
    sites += [("chr2", int(p)) for p in chr2]
    sites += [("chr3", int(p)) for p in sorted_positions(rng, 1_000_000, 198_000_000, 50)]
    return sites


def realistic_window(
    rng: np.random.Generator,
    sites: list[tuple[str, int]],
    refs: list[str],
    alts: list[str],
    multi: np.ndarray,
    q: np.ndarray,
    n_samples: int,
) -> tuple[Any, ...]:
    """Keep the variant density but put the variant types where real ones are.

    Random sites within 10 bp of IL1RN's CDS or splice regions are dropped (a random indel there
    is a frameshift, a random SNV a stop or splice change: far too many LoF carriers and VUS).
    In their place: SNVs at third codon positions, about one per 10 bp of CDS, rare (AF as the
    rare sites); the three known association SNPs at their frequencies (KNOWN_SNPS); c.229G>T at
    a carrier frequency of RARE_CARRIERS (the caller forces one homozygote). Returns the new
    sites, REF, ALT, two-ALT flags and AFs, {index: ID} of the known alleles and the index of
    c.229G>T.
    """
    pos = np.array([p for _, p in sites])
    in_window = np.array([c == CHROM for c, _ in sites]) & (pos >= WSTART) & (pos <= WEND)
    keep = ~in_window | noncoding_mask(pos)
    rank = {name: i for i, (name, _) in enumerate(GRCH38)}
    rows = [
        (rank[sites[i][0]], sites[i][1], refs[i], alts[i], bool(multi[i]), float(q[i]), "")
        for i in np.flatnonzero(keep)
    ]
    third = np.sort(rng.choice(THIRD_CODON, len(cds_positions()) // 10, replace=False))
    rare = np.exp(rng.uniform(np.log(1 / (2 * n_samples)), np.log(max(0.001, 2 / n_samples)), len(third)))
    for p, af in zip(third, rare, strict=True):
        ref, alt = small_variant(rng, indel_frac=0.0)
        rows.append((rank[CHROM], int(p), ref, alt, False, float(af), ""))
    for p, ref, alt, rsid, af in KNOWN_SNPS:
        rows.append((rank[CHROM], p, ref, alt, False, af, rsid))
    rows.append((rank[CHROM], E77X[0], E77X[1], E77X[2], False, RARE_CARRIERS / 2, "E77X"))
    rows.sort(key=lambda r: (r[0], r[1]))
    names = [name for name, _ in GRCH38]
    known = {i: r[6] for i, r in enumerate(rows) if r[6] and r[6] != "E77X"}
    e77x_at = next(i for i, r in enumerate(rows) if r[6] == "E77X")
    return (
        [(names[r[0]], r[1]) for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        np.array([r[4] for r in rows]),
        np.array([r[5] for r in rows]),
        known,
        e77x_at,
    )


def joint_gt_tokens() -> tuple[Tokens, int]:
    """Tokens '\\t{GT}:{DP}' for GT in 0/0..2/2 (code lo*3+hi) and DP 0..99; last = './.:.'."""
    strings = []
    for lo in range(3):
        for hi in range(3):
            for dp in range(100):
                strings.append(f"\t{lo}/{hi}:{dp}")
    strings.append("\t./.:.")
    return Tokens(strings), len(strings) - 1


def write_joint_vcf(path: Path, n_samples: int, seed: int, quick: bool) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    samples = [f"S{i:06d}" for i in range(1, n_samples + 1)]
    sites = joint_sites(rng, quick)
    n = len(sites)
    refs, alts, multi = random_alleles(rng, n, multi_frac=0.05)
    # allele frequencies as in large sequenced cohorts at this density: 95% of sites rare (AF
    # log-uniform in [1/2N, 0.001]), 5% common (log-uniform in [0.01, 0.5]); that gives about 20-25
    # non-reference genotypes per sample in the 20 kb window, as for a human genome (pi ~ 1e-3)
    common = rng.random(n) < 0.05
    q = np.where(
        common,
        np.exp(rng.uniform(np.log(0.01), np.log(0.5), n)),
        np.exp(rng.uniform(np.log(1 / (2 * n_samples)), np.log(max(0.001, 2 / n_samples)), n)),
    )
    # ... placed where real variants are: near IL1RN's coding exons and splice sites only SNVs at
    # third codon positions (rare) and the known alleles (see realistic_window)
    sites, refs, alts, multi, q, known_ids, e77x_at = realistic_window(rng, sites, refs, alts, multi, q, n_samples)
    n = len(sites)
    q1 = np.where(multi, 0.7 * q, q)
    q2 = np.where(multi, 0.3 * q, 0.0)
    miss_rate = rng.uniform(0.0, 0.03, n)
    qual = rng.uniform(30, 5000, n)
    filters = np.where(
        rng.random(n) < 0.95, "PASS", np.where(rng.random(n) < 0.5, "LowQual", "VQSRTrancheSNP99.90to100.00")
    )
    ids = np.where(rng.random(n) < 0.4, np.char.add("rs", rng.integers(1_000_000, 900_000_000, n).astype(str)), ".")
    ids = ids.astype(object)
    for i, rsid in known_ids.items():
        ids[i] = rsid
        filters[i] = "PASS"
    e77x_hom = int(rng.integers(0, n_samples))  # the one homozygote of c.229G>T
    e77x_counts: dict[str, int] = {}
    tokens, missing_tok = joint_gt_tokens()
    out = Bgzip(path)
    out.write(header(samples, [FMT_GT, FMT_DP], INFO_STD, "bcftools_callVersion=1.17").encode())
    chunk = max(1, 2_000_000 // n_samples)
    n_alt_calls = 0
    for c0 in range(0, n, chunk):
        c1 = min(n, c0 + chunk)
        r = c1 - c0
        u = rng.random((r, n_samples, 2))
        hap = np.where(u < q1[c0:c1, None, None], 1, np.where(u < (q1 + q2)[c0:c1, None, None], 2, 0))
        if c0 <= e77x_at < c1:
            hap[e77x_at - c0, e77x_hom, :] = 1
        # every site is polymorphic in the cohort that was called
        none = ~(hap > 0).any(axis=(1, 2))
        if none.any():
            hap[np.flatnonzero(none), rng.integers(0, n_samples, int(none.sum())), 1] = 1
        lo, hi = hap.min(axis=2), hap.max(axis=2)
        if c0 <= e77x_at < c1:
            e77x_counts = {
                "e77x_carriers": int((hi[e77x_at - c0] > 0).sum()),
                "e77x_homozygous": int((lo[e77x_at - c0] > 0).sum()),
            }
        dp = np.clip(rng.poisson(30, (r, n_samples)), 0, 99)
        idx = (lo * 3 + hi) * 100 + dp
        missing = rng.random((r, n_samples)) < miss_rate[c0:c1, None]
        idx[missing] = missing_tok
        called = ~missing
        ac1 = ((hap == 1).sum(axis=2) * called).sum(axis=1)
        ac2 = ((hap == 2).sum(axis=2) * called).sum(axis=1)
        an = 2 * called.sum(axis=1)
        dpsum = (dp * called).sum(axis=1)
        n_alt_calls += int(((hi > 0) & called).sum())
        mat, mask = tokens.wide(idx)
        body = mat[mask].tobytes()
        lens = mask.sum(axis=1)
        ends = np.cumsum(lens)
        lines = []
        for k in range(r):
            i = c0 + k
            chrom, pos = sites[i]
            if multi[i]:
                info = f"AC={ac1[k]},{ac2[k]};AF={ac1[k] / max(an[k], 1):.4g},{ac2[k] / max(an[k], 1):.4g}"
            else:
                info = f"AC={ac1[k]};AF={ac1[k] / max(an[k], 1):.4g}"
            info += f";AN={an[k]};DP={dpsum[k]}"
            prefix = f"{chrom}\t{pos}\t{ids[i]}\t{refs[i]}\t{alts[i]}\t{qual[i]:.2f}\t{filters[i]}\t{info}\tGT:DP"
            lines.append(prefix.encode() + body[ends[k] - lens[k] : ends[k]] + b"\n")
        out.write(b"".join(lines))
    out.close()
    tabix(path)
    in_window = sum(1 for c, p in sites if c == CHROM and WSTART <= p <= WEND)
    return {
        "records": n,
        "records_in_window": in_window,
        "samples": n_samples,
        "non_ref_calls_in_file": n_alt_calls,
        "bytes": path.stat().st_size,
        **e77x_counts,
    }


# ------------------------------------------------------------------------------------------
# single-sample GATK-like records (scenarios 2 and 3), fully vectorised


def gatk_sample_tokens(rng: np.random.Generator, per_class: int = 400) -> tuple[Tokens, list[int]]:
    """'GT:AD:DP:GQ:PL' values, `per_class` random ones for each GT class: 0/1, 1/1, 1/2, ./. ."""
    strings: list[str] = []
    starts = []
    for gt in ("0/1", "1/1", "1/2", "./."):
        starts.append(len(strings))
        for _ in range(per_class):
            dp = int(rng.poisson(32)) + 2
            if gt == "0/1":
                alt = int(rng.binomial(dp, 0.5)) or 1
                ad = f"{dp - alt},{alt}"
                pl = f"{rng.integers(50, 900)},0,{rng.integers(50, 1200)}"
            elif gt == "1/1":
                ad = f"0,{dp}"
                pl = f"{rng.integers(300, 1500)},{rng.integers(30, 120)},0"
            elif gt == "1/2":
                a1 = int(rng.binomial(dp, 0.5))
                ad = f"0,{a1},{dp - a1}"
                pl = (
                    f"{rng.integers(600, 1500)},{rng.integers(300, 700)},{rng.integers(200, 600)},"
                    f"{rng.integers(300, 700)},0,{rng.integers(200, 600)}"
                )
            else:
                strings.append("\t./.:0,0:0:.:0,0,0\n")
                continue
            gq = min(99, int(rng.integers(20, 140)))
            strings.append(f"\t{gt}:{ad}:{dp}:{gq}:{pl}\n")
    return Tokens(strings), starts


def gatk_lines(
    rng: np.random.Generator,
    chrom_names: list[str],
    chrom_idx: np.ndarray,
    positions: np.ndarray,
    sample_tokens: Tokens,
    class_starts: list[int],
    per_class: int = 400,
) -> bytes:
    """Single-sample GATK HaplotypeCaller-like records (input already sorted) as VCF text."""
    n = len(positions)
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    kind = rng.random(n)
    is_del = (kind >= 0.85) & (kind < 0.93)  # SNV 85%, deletion 8%, insertion 6%, two-ALT 1%
    is_ins = (kind >= 0.93) & (kind < 0.99)
    is_multi = kind >= 0.99
    ref_b = rng.integers(0, 4, n)
    alt_b = (ref_b + rng.integers(1, 4, n)) % 4
    alt2_b = (alt_b + 1) % 4
    alt2_b = np.where(alt2_b == ref_b, (alt2_b + 1) % 4, alt2_b)
    ext = letters[rng.integers(0, 4, (n, 5))]
    ext_len = rng.integers(1, 6, n)
    ref_mat = np.concatenate([letters[ref_b][:, None], ext], axis=1)
    ref_mask = np.arange(6)[None, :] < np.where(is_del, 1 + ext_len, 1)[:, None]
    snv_alt = np.stack([letters[alt_b], np.full(n, ord(","), np.uint8), letters[alt2_b]], axis=1)
    ins_alt = np.concatenate([letters[ref_b][:, None], ext[:, :2]], axis=1)
    del_alt = np.concatenate([letters[ref_b][:, None], snv_alt[:, 1:]], axis=1)
    alt_mat = np.where(is_ins[:, None], ins_alt, np.where(is_del[:, None], del_alt, snv_alt))
    alt_len = np.where(is_multi, 3, np.where(is_ins, 1 + np.minimum(ext_len, 2), 1))
    alt_mask = np.arange(3)[None, :] < alt_len[:, None]
    # genotype class: two-ALT -> 1/2; else 0/1 62%, 1/1 37%, ./. 1%
    g = rng.random(n)
    cls = np.where(is_multi, 2, np.where(g < 0.62, 0, np.where(g < 0.99, 1, 3)))
    samp_idx = np.asarray(class_starts)[cls] + rng.integers(0, per_class, n)
    samp_idx = np.where(cls == 3, class_starts[3], samp_idx)
    info_tok = Tokens(["AC=1;AF=0.500;AN=2", "AC=2;AF=1.00;AN=2", "AC=1,1;AF=0.500,0.500;AN=2", "AC=0;AF=0.00;AN=0"])
    qual_tok = Tokens([f"{x:.2f}" for x in rng.uniform(30, 3000, 997)])
    fs_tok = Tokens([f"{x:.3f}" for x in rng.exponential(2.0, 499)])
    qd_tok = Tokens([f"{x:.2f}" for x in rng.uniform(2, 40, 499)])
    filt_tok = Tokens(["PASS", "LowQual"])
    chrom_tok = Tokens(chrom_names)
    has_id = rng.random(n) < 0.6
    id_mat, id_mask = int_col(rng.integers(1_000_000, 900_000_000, n))
    id_mat = np.concatenate(
        [np.tile(np.frombuffer(b"rs", np.uint8), (n, 1)), id_mat, np.full((n, 1), ord("."), np.uint8)], axis=1
    )
    id_mask = np.concatenate(
        [np.ones((n, 2), bool) & has_id[:, None], id_mask & has_id[:, None], ~has_id[:, None]], axis=1
    )
    tab = const_col("\t", n)
    cols = [
        chrom_tok.col(chrom_idx),
        tab,
        int_col(positions),
        tab,
        (id_mat, id_mask),
        tab,
        (ref_mat, ref_mask),
        tab,
        (alt_mat, alt_mask),
        tab,
        qual_tok.col(rng.integers(0, 997, n)),
        tab,
        filt_tok.col((rng.random(n) < 0.04).astype(np.int64)),
        tab,
        info_tok.col(cls),
        const_col(";DP=", n),
        int_col(rng.poisson(32, n) + 2),
        const_col(";FS=", n),
        fs_tok.col(rng.integers(0, 499, n)),
        const_col(";MQ=60.00;QD=", n),
        qd_tok.col(rng.integers(0, 499, n)),
        const_col(";SOR=", n),
        fs_tok.col(rng.integers(0, 499, n)),
        const_col("\tGT:AD:DP:GQ:PL", n),
        sample_tokens.col(samp_idx),
    ]
    return join_cols(cols)


GATK_FORMATS = [FMT_GT, FMT_AD, FMT_DP, FMT_GQ, FMT_PL]
GATK_SOURCE = "HaplotypeCaller"


def write_wgs_vcf(path: Path, n_records: int, seed: int) -> dict[str, Any]:
    """One sample, records on every primary contig in proportion to length, sorted, bgzipped, NO index."""
    rng = np.random.default_rng(seed)
    tokens, starts = gatk_sample_tokens(rng)
    names = [c for c, _ in GRCH38]
    lengths = np.array([length for _, length in GRCH38], dtype=np.float64)
    counts = np.floor(n_records * lengths / lengths.sum()).astype(np.int64)
    counts[0] += n_records - counts.sum()
    out = Bgzip(path)
    out.write(header(["WGS_SAMPLE"], GATK_FORMATS, INFO_GATK, GATK_SOURCE).encode())
    total = in_window = 0
    for ci, (name, length) in enumerate(GRCH38):
        margin = min(10_000, length // 10)
        pos = sorted_positions(rng, margin, length - margin, int(counts[ci]))
        if name == CHROM:
            in_window = int(((pos >= WSTART) & (pos <= WEND)).sum())
        for s in range(0, len(pos), 500_000):
            part = pos[s : s + 500_000]
            out.write(gatk_lines(rng, names, np.full(len(part), ci), part, tokens, starts))
        total += len(pos)
    out.close()
    return {"records": total, "records_in_window": in_window, "bytes": path.stat().st_size, "indexed": False}


def write_indexed_pair(big: Path, small: Path, n_records: int, small_records: int, seed: int) -> dict[str, Any]:
    """One sample twice: `big` (a WGS-sized indexed VCF, `n_records` over all 25 contigs in
    proportion to length) and `small` (`small_records` on chr2 only, ~1 MB), both holding the
    SAME records in the read window (the sample's realistic window records, c.229G>T
    heterozygous) and the same header; tabix-indexed. What differs is only what lies outside
    the window, so annotating the two should cost the same when nothing outside is read."""
    rng = np.random.default_rng(seed)
    tokens, starts = gatk_sample_tokens(rng)
    names = [c for c, _ in GRCH38]
    window = [line for _, line in sample_window_records(rng, cohort_window_sites(rng), "0/1")]
    head = header(["WGS_SAMPLE"], GATK_FORMATS, INFO_GATK, GATK_SOURCE).encode()
    chr2 = names.index(CHROM)

    def chr2_lines(pos: np.ndarray) -> list[bytes]:
        pos = pos[(pos < WSTART - 10) | (pos > WEND + 10)]  # the window holds `window` only
        cut = int(np.searchsorted(pos, WSTART))
        parts = [pos[:cut], pos[cut:]]
        before, after = (gatk_lines(rng, names, np.full(len(p), chr2), p, tokens, starts) for p in parts)
        return [before, b"".join(window), after]

    lengths = np.array([length for _, length in GRCH38], dtype=np.float64)
    counts = np.floor(n_records * lengths / lengths.sum()).astype(np.int64)
    counts[0] += n_records - counts.sum()
    out = Bgzip(big)
    out.write(head)
    for ci, (name, length) in enumerate(GRCH38):
        margin = min(10_000, length // 10)
        pos = sorted_positions(rng, margin, length - margin, int(counts[ci]))
        if name == CHROM:
            for text in chr2_lines(pos):
                out.write(text)
            continue
        for s in range(0, len(pos), 500_000):
            part = pos[s : s + 500_000]
            out.write(gatk_lines(rng, names, np.full(len(part), ci), part, tokens, starts))
    out.close()
    tabix(big)
    out = Bgzip(small)
    out.write(head)
    for text in chr2_lines(sorted_positions(rng, 10_000, 242_000_000, small_records)):
        out.write(text)
    out.close()
    tabix(small)
    return {
        "records": n_records,
        "window_records": len(window),
        "big_bytes": big.stat().st_size,
        "big_index_bytes": Path(str(big) + ".tbi").stat().st_size,
        "small_bytes": small.stat().st_size,
    }


def small_variant(rng: np.random.Generator, indel_frac: float) -> tuple[str, str]:
    """REF/ALT of a SNV, or (with probability indel_frac) a 1-4 bp deletion or 1-3 bp insertion."""
    bases = "ACGT"
    ref = bases[int(rng.integers(0, 4))]
    if rng.random() >= indel_frac:
        return ref, bases[(bases.index(ref) + int(rng.integers(1, 4))) % 4]
    extra = "".join(bases[int(i)] for i in rng.integers(0, 4, int(rng.integers(1, 5))))
    return (ref + extra, ref) if rng.random() < 0.5 else (ref, ref + extra[:3])


def gatk_record(rng: np.random.Generator, pos: int, ref: str, alt: str, gt: str, vid: str = ".") -> bytes:
    """One GATK HaplotypeCaller-like record of one sample (GT 0/1 or 1/1)."""
    dp = int(rng.poisson(32)) + 2
    if gt == "0/1":
        n_alt = max(1, int(rng.binomial(dp, 0.5)))
        ad, ac, af = f"{dp - n_alt},{n_alt}", 1, "0.500"
        pl = f"{rng.integers(50, 900)},0,{rng.integers(50, 1200)}"
    else:
        ad, ac, af = f"0,{dp}", 2, "1.00"
        pl = f"{rng.integers(300, 1500)},{rng.integers(30, 120)},0"
    info = (
        f"AC={ac};AF={af};AN=2;DP={dp};FS={rng.exponential(2.0):.3f};MQ=60.00;QD={rng.uniform(2, 40):.2f};"
        f"SOR={rng.exponential(1.0):.3f}"
    )
    gq = min(99, int(rng.integers(20, 140)))
    return (
        f"{CHROM}\t{pos}\t{vid}\t{ref}\t{alt}\t{rng.uniform(30, 3000):.2f}\tPASS\t{info}\tGT:AD:DP:GQ:PL\t"
        f"{gt}:{ad}:{dp}:{gq}:{pl}\n"
    ).encode()


def cohort_window_sites(rng: np.random.Generator, n_common: int = 60) -> list[tuple[int, str, str, str, float]]:
    """Common variant sites of the read window shared by the cohort: (pos, REF, ALT, ID, AF).

    The known association SNPs at their (approximate) frequencies, and `n_common` SNVs and
    small indels (10%) in introns, UTRs and upstream, at least 10 bp from the CDS and splice
    regions, with alternate allele frequencies log-uniform in 0.02-0.5. Together about 17
    non-reference genotypes per sample in the 20 kb window, as in a real genome.
    """
    window = np.arange(WSTART, WEND + 1)
    candidates = window[noncoding_mask(window)]
    positions = np.sort(rng.choice(candidates, n_common, replace=False))
    freqs = np.exp(rng.uniform(np.log(0.02), np.log(0.5), n_common))
    sites = [(pos, ref, alt, vid, af) for pos, ref, alt, vid, af in KNOWN_SNPS]
    for pos, af in zip(positions, freqs, strict=True):
        ref, alt = small_variant(rng, indel_frac=0.10)
        vid = f"rs{int(rng.integers(1_000_000, 900_000_000))}" if rng.random() < 0.9 else "."
        sites.append((int(pos), ref, alt, vid, float(af)))
    return sorted(sites)


def sample_window_records(
    rng: np.random.Generator, sites: list[tuple[int, str, str, str, float]], e77x_gt: str | None
) -> list[tuple[int, bytes]]:
    """One sample's records in the read window: genotypes at the cohort's common sites (Hardy-
    Weinberg), ~1 private rare variant outside the CDS, a rare synonymous-position CDS SNV in
    1% of samples, and c.229G>T when `e77x_gt` says so."""
    records: list[tuple[int, bytes]] = []
    used = set()
    for pos, ref, alt, vid, af in sites:
        u = rng.random()
        gt = "1/1" if u < af * af else ("0/1" if u < af * af + 2 * af * (1 - af) else None)
        if gt:
            records.append((pos, gatk_record(rng, pos, ref, alt, gt, vid)))
            used.add(pos)
    for _ in range(int(rng.poisson(1.0))):
        pos = int(rng.integers(WSTART, WEND + 1))
        if pos in used or not noncoding_mask(np.array([pos]))[0]:
            continue
        ref, alt = small_variant(rng, indel_frac=0.15)
        records.append((pos, gatk_record(rng, pos, ref, alt, "0/1" if rng.random() < 0.95 else "1/1")))
        used.add(pos)
    if rng.random() < 0.01:
        pos = int(rng.choice(THIRD_CODON))
        if pos not in used:
            ref, alt = small_variant(rng, indel_frac=0.0)
            records.append((pos, gatk_record(rng, pos, ref, alt, "0/1")))
            used.add(pos)
    if e77x_gt:
        pos, ref, alt, _vid = E77X
        records.append((pos, gatk_record(rng, pos, ref, alt, e77x_gt)))
    return sorted(records, key=lambda r: r[0])


def rare_allele_carriers(rng: np.random.Generator, n: int) -> dict[int, str]:
    """sample index -> genotype of c.229G>T: RARE_CARRIERS of the samples heterozygous (at least
    one), one homozygote."""
    n_het = max(1, round(RARE_CARRIERS * n))
    chosen = rng.choice(n, min(n, n_het + 1), replace=False)
    return {int(i): ("1/1" if k == 0 else "0/1") for k, i in enumerate(chosen)}


def write_single_sample_vcfs(folder: Path, n_files: int, records_per_file: int, seed: int) -> dict[str, Any]:
    """`n_files` indexed one-sample VCFs as a screening cohort would give: a few hundred chr2
    records (dense around the cluster), ~17 of them in the read window where real variants are
    (see `sample_window_records`), plus a few on chr1 and chr3. Returns facts on what was placed."""
    rng = np.random.default_rng(seed)
    tokens, starts = gatk_sample_tokens(rng)
    names = [c for c, _ in GRCH38]
    folder.mkdir(parents=True, exist_ok=True)
    sites = cohort_window_sites(rng)
    carriers = rare_allele_carriers(rng, n_files)
    in_window = []
    for k in range(1, n_files + 1):
        sample = f"SAMPLE_{k:05d}"
        n_cluster = records_per_file // 3
        chr2 = np.unique(
            np.concatenate(
                [
                    rng.integers(CLUSTER[0], CLUSTER[1], n_cluster),
                    rng.integers(10_000, 242_000_000, records_per_file - n_cluster),
                ]
            )
        )
        chr2 = chr2[(chr2 < WSTART - 10) | (chr2 > WEND + 10)]  # the window gets realistic variants below
        chr1 = sorted_positions(rng, 10_000, 248_000_000, 20)
        chr3 = sorted_positions(rng, 10_000, 198_000_000, 20)
        idx = np.concatenate(
            [np.zeros(len(chr1), np.int64), np.ones(len(chr2), np.int64), np.full(len(chr3), 2, np.int64)]
        )
        lines = gatk_lines(rng, names, idx, np.concatenate([chr1, chr2, chr3]), tokens, starts).splitlines(True)
        window = sample_window_records(rng, sites, carriers.get(k - 1))
        in_window.append(len(window))
        cut = len(chr1) + int(np.searchsorted(chr2, WSTART))
        text = header([sample], GATK_FORMATS, INFO_GATK, GATK_SOURCE).encode() + b"".join(
            lines[:cut] + [line for _, line in window] + lines[cut:]
        )
        path = folder / f"{sample}.vcf.gz"
        with pysam.BGZFile(str(path), "wb") as handle:
            handle.write(text)
        tabix(path)
    return {
        "files": n_files,
        "records_per_file": records_per_file + 40 + int(np.mean(in_window)),
        "window_records_mean": round(float(np.mean(in_window)), 1),
        "common_sites": len(sites),
        "e77x_heterozygous": sum(1 for g in carriers.values() if g == "0/1"),
        "e77x_homozygous": sum(1 for g in carriers.values() if g == "1/1"),
    }


# ------------------------------------------------------------------------------------------
# measuring


def tool_exe(name: str) -> str:
    """A console script of the running interpreter's environment (the project's venv)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


def _run_once(
    cmd: list[str] | str, *, cwd: Path | None, timeout: float, env: dict[str, str] | None, stdout: Any
) -> dict[str, Any]:
    shell = isinstance(cmd, str)
    argv = ["bash", "-c", cmd] if shell else list(cmd)
    use_time = os.path.exists(GNU_TIME)
    tfile = tempfile.NamedTemporaryFile(prefix="bench-time-", suffix=".txt", delete=False)  # noqa: SIM115 - GNU time writes it by name
    tfile.close()
    if use_time:
        argv = [GNU_TIME, "-v", "-o", tfile.name, *argv]
    errf = tempfile.TemporaryFile()  # noqa: SIM115 - the child's stderr, read back after it exits
    load_before = round(os.getloadavg()[0], 2)
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=stdout, stderr=errf, start_new_session=True)
    timed_out = False
    status, usage = 0, None
    if use_time:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    else:
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
    seconds = time.perf_counter() - t0
    if use_time:
        rc = proc.returncode
        text = Path(tfile.name).read_text(errors="replace")
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        peak_kb = int(m.group(1)) if m else 0
        m = re.search(r"Exit status: (\d+)", text)
        if m:
            rc = int(m.group(1))
        cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text))
    else:
        rc = os.waitstatus_to_exitcode(status)
        peak_kb = usage.ru_maxrss  # type: ignore[union-attr]
        cpu = usage.ru_utime + usage.ru_stime  # type: ignore[union-attr]
    os.unlink(tfile.name)
    errf.seek(0)
    stderr = errf.read().decode(errors="replace")
    errf.close()
    return {
        "seconds": seconds,
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "returncode": rc,
        "load_before": load_before,
        "load_after": round(os.getloadavg()[0], 2),
        "timed_out": timed_out,
        "stderr_tail": stderr[-1500:],
    }


def measure(
    cmd: list[str] | str,
    *,
    cwd: Path | None = None,
    timeout: float = 3600,
    env: dict[str, str] | None = None,
    stdout: Any = subprocess.DEVNULL,
    repeat_if_under: float = 2.0,
    prepare: Any = None,
    label: str = "",
) -> dict[str, Any]:
    """Wall time (median of 3 when a run is short, else one run) and peak RSS of a command."""
    runs = []
    for _attempt in range(3):
        if prepare is not None:
            prepare()
        r = _run_once(cmd, cwd=cwd, timeout=timeout, env=env, stdout=stdout)
        runs.append(r)
        if r["returncode"] != 0 or r["timed_out"] or r["seconds"] >= repeat_if_under:
            break
    return _summary(cmd, runs, label)


def measure_pair(
    ours_cmd: list[str],
    theirs_cmd: list[str],
    *,
    runs: int = 5,
    timeout: float = 3600,
    prepare: Any = None,
    labels: tuple[str, str] = ("", ""),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both commands `runs` times, alternating (ours, theirs, ours, ...): medians of each.

    The machine's speed drifts from minute to minute; alternating puts both commands in the
    same minutes, so their ratio drifts much less than either time.
    """
    ours_runs: list[dict[str, Any]] = []
    theirs_runs: list[dict[str, Any]] = []
    for _ in range(runs):
        if prepare is not None:
            prepare()
        ours_runs.append(_run_once(ours_cmd, cwd=None, timeout=timeout, env=None, stdout=subprocess.DEVNULL))
        theirs_runs.append(_run_once(theirs_cmd, cwd=None, timeout=timeout, env=None, stdout=subprocess.DEVNULL))
        if any(r["returncode"] != 0 or r["timed_out"] for r in (ours_runs[-1], theirs_runs[-1])):
            break
    return _summary(ours_cmd, ours_runs, labels[0]), _summary(theirs_cmd, theirs_runs, labels[1])


def _summary(cmd: list[str] | str, runs: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """Median wall and CPU time, peak RSS and status of a command's runs (and a printed line)."""
    times = sorted(r["seconds"] for r in runs)
    cpus = sorted(r["cpu_seconds"] for r in runs)
    result = {
        "seconds": round(times[len(times) // 2], 3),
        "runs": [round(r["seconds"], 3) for r in runs],
        "cpu_seconds": cpus[len(cpus) // 2],
        "load_avg_1min": [r["load_before"] for r in runs],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "returncode": runs[-1]["returncode"],
        "timed_out": runs[-1]["timed_out"],
        "command": cmd if isinstance(cmd, str) else " ".join(shlex.quote(c) for c in cmd),
    }
    if len(result["command"]) > 400:
        result["command"] = result["command"][:400] + " ..."
    if runs[-1]["returncode"] != 0 or runs[-1]["timed_out"]:
        result["stderr_tail"] = runs[-1]["stderr_tail"]
        print(
            f"  ! {label or result['command'][:80]}: exit {runs[-1]['returncode']}"
            f"{' (timeout)' if runs[-1]['timed_out'] else ''}\n    {runs[-1]['stderr_tail'][-600:]}",
            file=sys.stderr,
        )
    status = "timeout" if result["timed_out"] else "ok" if result["returncode"] == 0 else f"exit {result['returncode']}"
    print(
        f"  {label:<46} {result['seconds']:>9.2f} s  (cpu {result['cpu_seconds']:>7.2f} s)  "
        f"{result['peak_rss_mb']:>8.1f} MB  {status}  [load {result['load_avg_1min'][0]}]",
        flush=True,
    )
    return result


def row(
    scenario: str,
    case: str,
    ours: dict[str, Any],
    theirs: dict[str, Any],
    target: float,
    ours_label: str,
    theirs_label: str,
    **extra: Any,
) -> dict[str, Any]:
    ok_run = ours["returncode"] == 0 and not ours["timed_out"] and theirs["returncode"] == 0
    ratio = round(ours["seconds"] / theirs["seconds"], 2) if theirs["seconds"] > 0 else None
    return {
        "scenario": scenario,
        "case": case,
        "ours": ours_label,
        "bcftools": theirs_label,
        "ours_s": ours["seconds"],
        "bcftools_s": theirs["seconds"],
        "ratio": ratio,
        "target_ratio": target,
        "ours_cpu_s": ours["cpu_seconds"],
        "bcftools_cpu_s": theirs["cpu_seconds"],
        "load_avg_1min": ours["load_avg_1min"][0],
        "meets_target": bool(ok_run and ratio is not None and ratio <= target),
        "ours_peak_mb": ours["peak_rss_mb"],
        "bcftools_peak_mb": theirs["peak_rss_mb"],
        "ours_status": "timeout" if ours["timed_out"] else ours["returncode"],
        "ours_detail": ours,
        "bcftools_detail": theirs,
        **extra,
    }


# ------------------------------------------------------------------------------------------
# scenarios


def generated(stamp: Path, params: dict[str, Any], make: Any) -> dict[str, Any]:
    """Run `make()` unless `stamp` records the same parameters (reuse with --keep-data)."""
    if stamp.exists():
        saved = json.loads(stamp.read_text())
        if saved.get("params") == params:
            print(f"  reusing {stamp.parent.name}/{stamp.name[: -len('.stamp.json')]} (generated earlier)")
            return saved["facts"] | {"generation_s": saved["facts"].get("generation_s"), "reused": True}
    t0 = time.perf_counter()
    facts = make()
    facts["generation_s"] = round(time.perf_counter() - t0, 2)
    stamp.write_text(json.dumps({"params": params, "facts": facts}))
    return facts


def annotate_cmd(inputs: list[str], outdir: Path, *extra: str) -> list[str]:
    return [tool_exe("il1rn-annot"), "annotate", *inputs, "-o", str(outdir), "--date", "2024-01-01T00:00:00Z", *extra]


def scenario_joint(data: Path, quick: bool, timeout: float, no_extras: bool = False) -> list[dict[str, Any]]:
    print("\n== scenario 1: joint VCF, query of the read window")
    rows: list[dict[str, Any]] = []
    main_rows: list[dict[str, Any]] = []  # the target rows, one per size (memory growth is read from them)
    sizes = [100, 400] if quick else [2504, 10000]
    for n in sizes:
        path = data / f"joint_{n}.vcf.gz"
        facts = generated(
            data / f"joint_{n}.stamp.json",
            {"n": n, "quick": quick, "v": 3},
            lambda path=path, n=n: write_joint_vcf(path, n, seed=n, quick=quick),
        )
        print(
            f"  input: {path.name}: {facts['samples']:,} samples, {facts['records']:,} records "
            f"({facts['records_in_window']:,} in the window), {facts['bytes'] / 1e6:.1f} MB "
            f"[generated in {facts.get('generation_s')} s]"
        )
        outdir = data / f"out_joint_{n}"
        shutil.rmtree(outdir, ignore_errors=True)
        ours, theirs = measure_pair(
            annotate_cmd([str(path)], outdir),
            ["bcftools", "query", "-r", REGION, "-f", "[%GT\t]\n", str(path)],
            timeout=timeout,
            prepare=lambda outdir=outdir: shutil.rmtree(outdir, ignore_errors=True),
            labels=(f"il1rn-annot annotate ({n:,} samples)", f"bcftools query -r ({n:,} samples)"),
        )
        outputs = {p.name: p.stat().st_size for p in outdir.glob("*")} if outdir.exists() else {}
        statuses = cohort_statuses(outdir / f"joint_{n}.sample_status.tsv")
        if statuses:
            print("    samples: " + ", ".join(f"{k} {v}" for k, v in statuses.items()))
        rows.append(
            row(
                "1 joint VCF",
                f"{n:,} samples",
                ours,
                theirs,
                1.5,
                "il1rn-annot annotate",
                "bcftools query -r -f '[%GT\\t]\\n'",
                input=facts,
                output_bytes=outputs,
                statuses=statuses,
            )
        )
        main_rows.append(rows[-1])
        if no_extras:
            continue
        # the same in one process: what reading the window in parallel ranges (scan.py) gains
        single = measure(
            annotate_cmd([str(path)], outdir, "--threads", "1"),
            timeout=timeout,
            label=f"  ref: il1rn-annot annotate --threads 1 ({n:,} samples)",
            prepare=lambda outdir=outdir: shutil.rmtree(outdir, ignore_errors=True),
        )
        rows.append(
            row(
                "1 joint VCF",
                f"  ref: {n:,} samples, one process (--threads 1)",
                single,
                theirs,
                1.5,
                "il1rn-annot annotate --threads 1",
                "bcftools query -r",
                informational=True,
            )
        )
        rows.append(joint_full_parse_row(path, outdir, n, theirs, timeout))
        # the floor for a tool that writes the window back as bgzipped VCF (as NAME.il1rn.vcf.gz is)
        floor_out = data / f"floor_{n}.vcf.gz"
        floor = measure(
            ["bcftools", "view", "-r", REGION, "-Oz", "-o", str(floor_out), str(path)],
            label=f"  ref: bcftools view -r -Oz ({n:,} samples)",
        )
        floor_out.unlink(missing_ok=True)
        rows.append(
            row(
                "1 joint VCF",
                f"  ref: {n:,} samples, bcftools view -r -Oz (writes the window)",
                floor,
                theirs,
                1.5,
                "bcftools view -r -Oz -o",
                "bcftools query -r",
                informational=True,
            )
        )
    if len(main_rows) == 2:
        a, b = main_rows
        growth = b["ours_peak_mb"] / a["ours_peak_mb"] if a["ours_peak_mb"] else None
        limit_mb = 1024
        for r in rows:
            r["memory"] = {
                "samples_ratio": round(sizes[1] / sizes[0], 2),
                "peak_growth": round(growth, 2) if growth else None,
                "flat": bool(growth is not None and growth < 0.5 * sizes[1] / sizes[0]),
                "largest_under_1GB": b["ours_peak_mb"] < limit_mb,
            }
        print(
            f"  memory: {sizes[0]:,} -> {sizes[1]:,} samples ({sizes[1] / sizes[0]:.1f}x): peak "
            f"{a['ours_peak_mb']:.0f} -> {b['ours_peak_mb']:.0f} MB ({growth:.2f}x)"
        )
    return rows


def joint_full_parse_row(path: Path, outdir: Path, n: int, theirs: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Scenario 1 reference: htslib parsing every record whole (`--full-parse`), i.e. without the
    two-pass read of annotate_vcf/text_scan.py (issue 19): what that read gains."""
    whole = measure(
        annotate_cmd([str(path)], outdir, "--full-parse"),
        timeout=timeout,
        label=f"  ref: il1rn-annot annotate --full-parse ({n:,} samples)",
        prepare=lambda outdir=outdir: shutil.rmtree(outdir, ignore_errors=True),
    )
    return row(
        "1 joint VCF",
        f"  ref: {n:,} samples, --full-parse (htslib parses every record whole)",
        whole,
        theirs,
        1.5,
        "il1rn-annot annotate --full-parse",
        "bcftools query -r",
        informational=True,
    )


def compile_bytecode(package_file: str) -> str:
    """Compile the measured package's bytecode before timing it, as `pip install` does for a
    wheel. With PYTHONDONTWRITEBYTECODE set (as on the machine of the records) an editable
    install otherwise compiles every module from source at every start: ~0.1 s per process,
    a third of `bcftools query` on the 2,504-sample joint VCF. Returns what was done."""
    import compileall

    if not package_file:
        return "not compiled (package not found)"
    folder = Path(package_file).parent
    ok = compileall.compile_dir(str(folder), quiet=1)
    return f"compiled before the run ({folder})" if ok else f"compiling {folder} failed"


def find_workflow() -> Path | None:
    for candidate in (REPO / "Snakefile", REPO / "workflow" / "Snakefile"):
        if candidate.exists():
            return candidate
    return None


def copy_workflow(dest: Path) -> Path:
    """A temporary copy of the workflow (Snakefile, rules/, config/, schemas/, resources/, report/)."""
    snakefile = find_workflow()
    assert snakefile is not None
    root = snakefile.parent if snakefile.parent.name != "workflow" else REPO
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    names = [
        "Snakefile",
        "rules",
        "config",
        "schemas",
        "resources",
        "snakemake_report",
        "scripts",
        "envs",
        "workflow",
        "profiles",
    ]
    for name in names:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".snakemake"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


def scenario_cohort(
    data: Path, quick: bool, timeout: float, wait_for_workflow: float, no_extras: bool = False
) -> list[dict[str, Any]]:
    print("\n== scenario 2: many single-sample indexed VCFs (cohort)")
    n_files = 20 if quick else 1000
    folder = data / f"singles_{n_files}"

    def make() -> dict[str, Any]:
        shutil.rmtree(folder, ignore_errors=True)
        return write_single_sample_vcfs(folder, n_files, 300, seed=7)

    facts = generated(data / f"singles_{n_files}.stamp.json", {"n": n_files, "v": 3}, make)
    files = sorted(folder.glob("*.vcf.gz"))
    print(
        f"  input: {len(files):,} indexed one-sample VCFs of ~{facts['records_per_file']} records, "
        f"~{facts['window_records_mean']} in the window; c.229G>T: {facts['e77x_heterozygous']} heterozygous, "
        f"{facts['e77x_homozygous']} homozygous [generated in {facts.get('generation_s')} s]"
    )
    listing = data / f"singles_{n_files}.list"
    listing.write_text("".join(f"{p}\n" for p in files))
    sheet = data / f"singles_{n_files}.samples.tsv"
    sheet.write_text("sample\tvcf\n" + "".join(f"{p.name[: -len('.vcf.gz')]}\t{p}\n" for p in files))
    loop = f'while read -r f; do bcftools view -r {REGION} "$f"; done < {shlex.quote(str(listing))} > /dev/null'
    theirs = measure(loop, label=f"bash loop: bcftools view -r x {len(files):,}")
    rows = []
    if not no_extras:  # reference rows; the workflow below is the target row
        # one process, all files
        outdir = data / "out_singles_one_process"
        manifest = data / "out_singles_manifest.json"
        ours = measure(
            annotate_cmd([str(p) for p in files], outdir, "--keep-going", "--manifest", str(manifest)),
            timeout=timeout,
            label=f"il1rn-annot annotate f1..f{len(files)} (1 process)",
            prepare=lambda: shutil.rmtree(outdir, ignore_errors=True),
        )
        rows.append(
            row(
                "2 cohort",
                f"{len(files):,} files, one annotate process",
                ours,
                theirs,
                3.0,
                "il1rn-annot annotate f1..fN --keep-going --manifest",
                "bash loop of bcftools view -r",
                input=facts,
            )
        )
        # one process per file: what a one-job-per-sample workflow pays for each sample
        one = data / "out_single_file"
        single = measure(
            annotate_cmd([str(files[0])], one),
            label="il1rn-annot annotate (1 file, 1 process)",
            prepare=lambda: shutil.rmtree(one, ignore_errors=True),
        )
        single_bcf = measure(["bcftools", "view", "-r", REGION, str(files[0])], label="bcftools view -r (1 file)")
        rows.append(
            row(
                "2 cohort",
                "1 file, per-process cost",
                single,
                single_bcf,
                3.0,
                "il1rn-annot annotate",
                "bcftools view -r",
                informational=True,
            )
        )
    # the workflow
    deadline = time.monotonic() + wait_for_workflow
    while find_workflow() is None and time.monotonic() < deadline:
        print(
            f"  waiting for the workflow (Snakefile not there yet; {int(deadline - time.monotonic())} s left)",
            flush=True,
        )
        time.sleep(min(180, max(1, deadline - time.monotonic())))
    if find_workflow() is None:
        print("  workflow not found (no Snakefile): the snakemake measurement was skipped")
        rows.append(
            {
                "scenario": "2 cohort",
                "case": f"{len(files):,} files, snakemake --cores 2",
                "skipped": "no Snakefile in the repository yet",
                "target_ratio": 3.0,
                "meets_target": None,
            }
        )
        return rows
    wf = copy_workflow(data / "workflow_copy")
    snakemake = tool_exe("snakemake")
    cmd = [snakemake, "--cores", "2", "--config", f"samples={sheet}", "--quiet"]

    def clean() -> None:
        for name in ("results", ".snakemake", "logs"):
            shutil.rmtree(wf / name, ignore_errors=True)

    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    wf_run = measure(
        cmd,
        cwd=wf,
        timeout=timeout,
        env=env,
        label=f"snakemake --cores 2 ({len(files):,} samples)",
        prepare=clean,
        repeat_if_under=0,
    )
    produced = sum(1 for _ in (wf / "results").rglob("*") if _.is_file()) if (wf / "results").exists() else 0
    per_rule = rule_benchmarks(wf / "logs" / "benchmarks")
    if per_rule:
        print(
            "    per rule (Snakemake benchmark files): "
            + "; ".join(f"{k} {v['jobs']} job(s) {v['seconds']:.1f} s" for k, v in per_rule.items())
        )
    statuses = cohort_statuses(wf / "results" / "cohort" / "summary.tsv")
    if statuses:
        print("    cohort: " + ", ".join(f"{n} {s}" for s, n in statuses.items()))
    rows.append(
        row(
            "2 cohort",
            f"{len(files):,} files, snakemake --cores 2",
            wf_run,
            theirs,
            3.0,
            "snakemake --cores 2 --config samples=SHEET",
            "bash loop of bcftools view -r",
            input=facts,
            workflow_files_produced=produced,
            per_rule=per_rule,
            statuses=statuses,
        )
    )
    return rows


def cohort_statuses(summary: Path) -> dict[str, int]:
    """dira_status -> number of samples in a cohort summary.tsv (most frequent first)."""
    if not summary.is_file():
        return {}
    import csv
    from collections import Counter

    with open(summary, encoding="utf-8", newline="") as handle:
        counts = Counter(r["dira_status"] for r in csv.DictReader(handle, delimiter="\t"))
    return dict(counts.most_common())


def rule_benchmarks(folder: Path) -> dict[str, dict[str, Any]]:
    """Sum the `benchmark:` files Snakemake wrote, per rule (first path component under the folder)."""
    out: dict[str, dict[str, Any]] = {}
    if not folder.is_dir():
        return out
    for tsv in sorted(folder.rglob("*.tsv")):
        rule_name = tsv.relative_to(folder).parts[0]
        rule_name = rule_name[:-4] if rule_name.endswith(".tsv") else rule_name
        lines = tsv.read_text().splitlines()
        if len(lines) < 2:
            continue
        cols = dict(zip(lines[0].split("\t"), lines[1].split("\t"), strict=False))
        entry = out.setdefault(rule_name, {"jobs": 0, "seconds": 0.0, "max_rss_mb": 0.0})
        entry["jobs"] += 1
        entry["seconds"] = round(entry["seconds"] + float(cols.get("s", 0) or 0), 2)
        with contextlib.suppress(ValueError):
            entry["max_rss_mb"] = max(entry["max_rss_mb"], float(cols.get("max_rss", 0)))
    return out


STREAM_SNIPPET = """
import sys
from il1rn_annot.kb.load import load_knowledge_base
from il1rn_annot.vcf.open_vcf import open_vcf
from il1rn_annot.vcf.fetch import locus_records
kb = load_knowledge_base()
info, reader = open_vcf(sys.argv[1], kb)
info.format = "vcf.gzip"  # pretend it is plain gzip: no temporary index, the tool's streaming path
n = sum(1 for _ in locus_records(info, reader, kb.screen_window[info.build.build]))
print(n)
"""


def scenario_wgs(data: Path, quick: bool, timeout: float, no_extras: bool = False) -> list[dict[str, Any]]:
    print("\n== scenario 3: unindexed bgzipped WGS VCF")
    n = 100_000 if quick else 4_000_000
    path = data / f"wgs_{n}.vcf.gz"
    facts = generated(data / f"wgs_{n}.stamp.json", {"n": n, "v": 2}, lambda: write_wgs_vcf(path, n, seed=11))
    for suffix in (".tbi", ".csi"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    print(
        f"  input: {path.name}: {facts['records']:,} records ({facts['records_in_window']} in the window), "
        f"{facts['bytes'] / 1e6:.0f} MB, no index [generated in {facts.get('generation_s')} s]"
    )
    outdir = data / "out_wgs"
    ours = measure(
        annotate_cmd([str(path)], outdir),
        timeout=timeout,
        label="il1rn-annot annotate (temporary index)",
        prepare=lambda: shutil.rmtree(outdir, ignore_errors=True),
    )
    theirs = measure(["bcftools", "view", "-t", REGION, str(path)], label="bcftools view -t (stream)")
    rows = [
        row(
            "3 WGS unindexed",
            f"{facts['records'] / 1e6:g}M records",
            ours,
            theirs,
            1.5,
            "il1rn-annot annotate",
            "bcftools view -t",
            input=facts,
        )
    ]
    if no_extras:
        return rows
    # what the parts cost: building the index alone, and the tool's streaming path instead
    scratch = data / "scratch_index"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    link = scratch / "input.vcf.gz"
    link.symlink_to(path)
    tabix_only = measure(["tabix", "-f", "-p", "vcf", str(link)], label="  part: tabix -p vcf (index only)")
    sha = measure(["sha256sum", str(path)], label="  part: sha256sum of the input")
    stream = measure(
        [sys.executable, "-c", STREAM_SNIPPET, str(path)],
        timeout=timeout,
        label="  alt: tool's stream path (locus_records)",
    )
    # the same file with its index beside it: an index query (what users with indexed files get)
    indexed_out = data / "out_wgs_indexed"
    idx_ours = measure(
        annotate_cmd([str(link)], indexed_out),
        timeout=timeout,
        label="  alt: il1rn-annot on the indexed file",
        prepare=lambda: shutil.rmtree(indexed_out, ignore_errors=True),
    )
    idx_bcf = measure(["bcftools", "view", "-r", REGION, str(link)], label="  alt: bcftools view -r (indexed)")
    warnings = ""
    manifest_json = next(indexed_out.glob("*.il1rn.json"), None)
    if manifest_json:
        warnings = "; ".join(json.loads(manifest_json.read_text())["provenance"].get("warnings", []))
    shutil.rmtree(scratch, ignore_errors=True)
    rows.append(
        row(
            "3 WGS unindexed",
            "  alt: same file, indexed (vs bcftools view -r)",
            idx_ours,
            idx_bcf,
            1.5,
            "il1rn-annot annotate",
            "bcftools view -r",
            informational=True,
            tool_warnings=warnings,
        )
    )
    rows.append(
        row(
            "3 WGS unindexed",
            "  part: tabix -p vcf alone",
            tabix_only,
            theirs,
            1.5,
            "tabix -p vcf",
            "bcftools view -t",
            informational=True,
        )
    )
    rows.append(
        row(
            "3 WGS unindexed",
            "  part: sha256 of the input",
            sha,
            theirs,
            1.5,
            "sha256sum",
            "bcftools view -t",
            informational=True,
        )
    )
    rows.append(
        row(
            "3 WGS unindexed",
            "  alt: stream instead of index",
            stream,
            theirs,
            1.5,
            "open_vcf + locus_records streaming (no index)",
            "bcftools view -t",
            informational=True,
        )
    )
    return rows


IO_SNIPPET = """
import json, sys
from il1rn_annot.cli import main
code = main(sys.argv[1:])
io = dict(line.split(": ") for line in open("/proc/self/io").read().splitlines())
keys = ("rchar", "read_bytes", "syscr")
print(json.dumps({"rc": code, **{key: int(io[key]) for key in keys}}))
"""


def bytes_read(args: list[str]) -> dict[str, Any]:
    """What one in-process `il1rn-annot ARGS` read: /proc/self/io `rchar` (bytes returned by
    read calls, page cache included: what a network file system would serve), `read_bytes`
    (from the block device) and `syscr` (read calls). Includes Python's own imports."""
    done = subprocess.run([sys.executable, "-c", IO_SNIPPET, *args], capture_output=True, text=True, check=False)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": done.stderr[-500:]}


def scenario_indexed_big(data: Path, quick: bool, timeout: float, no_extras: bool = False) -> list[dict[str, Any]]:
    """Scenario 4: the same sample in an indexed >= 1 GB whole-genome VCF and in a ~1 MB file."""
    print("\n== scenario 4: indexed whole-genome VCF (>= 1 GB) vs the same sample in a small file")
    n = 300_000 if quick else 30_000_000
    big, small = data / f"wgs_indexed_{n}.vcf.gz", data / f"wgs_indexed_{n}.small.vcf.gz"
    facts = generated(
        data / f"wgs_indexed_{n}.stamp.json",
        {"n": n, "small": 30_000, "v": 1},
        lambda: write_indexed_pair(big, small, n, 30_000, seed=19),
    )
    print(
        f"  inputs: {big.name}: {facts['records']:,} records, {facts['big_bytes'] / 1e9:.2f} GB "
        f"(index {facts['big_index_bytes'] / 1e6:.1f} MB); {small.name}: {facts['small_bytes'] / 1e6:.2f} MB; "
        f"{facts['window_records']} identical records in the window [generated in {facts.get('generation_s')} s]"
    )
    out_big, out_small = data / "out_indexed_big", data / "out_indexed_small"
    big_run, small_run = measure_pair(
        annotate_cmd([str(big)], out_big),
        annotate_cmd([str(small)], out_small),
        runs=3 if quick else 7,
        timeout=timeout,
        labels=("il1rn-annot annotate (big, indexed)", "il1rn-annot annotate (small)"),
    )
    bcf_big = measure(["bcftools", "view", "-r", REGION, str(big)], label="bcftools view -r (big)")
    io_big = bytes_read(["annotate", str(big), "-o", str(out_big), "--date", "2024-01-01T00:00:00Z"])
    io_small = bytes_read(["annotate", str(small), "-o", str(out_small), "--date", "2024-01-01T00:00:00Z"])
    print(f"  bytes read (rchar) big {io_big.get('rchar', 0):,}, small {io_small.get('rchar', 0):,}")
    rows = [
        row(
            "4 indexed WGS",
            f"{facts['big_bytes'] / 1e9:.2f} GB vs {facts['small_bytes'] / 1e6:.1f} MB, same sample",
            big_run,
            small_run,
            1.3,
            "il1rn-annot annotate (big)",
            "il1rn-annot annotate (small)",
            input=facts,
            io_big=io_big,
            io_small=io_small,
        ),
        row(
            "4 indexed WGS",
            "  alt: big vs bcftools view -r (big)",
            big_run,
            bcf_big,
            1.3,
            "il1rn-annot annotate (big)",
            "bcftools view -r",
            informational=True,
        ),
    ]
    if no_extras:
        return rows
    # the per-sample cost inside one annotate job (the cost model of benchmarks/README.md): a
    # batch of links to the big file and its index, each a different name
    n_batch = 5 if quick else 20
    links = data / "indexed_batch"
    shutil.rmtree(links, ignore_errors=True)
    links.mkdir()
    for k in range(n_batch):
        (links / f"WGS_{k:03d}.vcf.gz").symlink_to(big)
        (links / f"WGS_{k:03d}.vcf.gz.tbi").symlink_to(Path(str(big) + ".tbi"))
    batch_inputs = [str(p) for p in sorted(links.glob("*.vcf.gz"))]
    out_batch = data / "out_indexed_batch"
    batch = measure(
        annotate_cmd(batch_inputs, out_batch, "--keep-going", "--manifest", str(out_batch / "m.json")),
        timeout=timeout,
        label=f"  batch: {n_batch} big files in one process",
        prepare=lambda: shutil.rmtree(out_batch, ignore_errors=True),
    )
    io_batch = bytes_read(["annotate", *batch_inputs, "-o", str(out_batch), "--date", "2024-01-01T00:00:00Z"])
    bcf_loop = measure(
        "for f in " + " ".join(shlex.quote(p) for p in batch_inputs) + f"; do bcftools view -r {REGION} $f; done",
        timeout=timeout,
        label=f"  bcftools view -r loop over the {n_batch}",
    )
    per_file = {
        "files": n_batch,
        "wall_s_per_file": round(batch["seconds"] / n_batch, 3),
        "cpu_s_per_file": round(batch["cpu_seconds"] / n_batch, 3),
        "rchar_per_file": (io_batch.get("rchar", 0) - io_small.get("rchar", 0)) // max(n_batch - 1, 1),
        "syscr_per_file": (io_batch.get("syscr", 0) - io_small.get("syscr", 0)) // max(n_batch - 1, 1),
    }
    print(f"  per file in a batch: {per_file}")
    rows.append(
        row(
            "4 indexed WGS",
            f"  batch: {n_batch} x {facts['big_bytes'] / 1e9:.2f} GB in one process vs bcftools loop",
            batch,
            bcf_loop,
            1.3,
            "il1rn-annot annotate f1..fN",
            "bcftools view -r loop",
            informational=True,
            per_file=per_file,
            io_batch=io_batch,
        )
    )
    # what a whole-file checksum costs: the opt-in --checksum full, and sha256sum alone
    full = measure(
        annotate_cmd([str(big)], out_big, "--checksum", "full"),
        timeout=timeout,
        label="  opt: annotate --checksum full (big)",
    )
    sha = measure(["sha256sum", str(big)], timeout=timeout, label="  part: sha256sum (big)")
    mb = facts["big_bytes"] / 1e6
    for name, result in (("--checksum full", full), ("sha256sum", sha)):
        extra = result["seconds"] - (big_run["seconds"] if name != "sha256sum" else 0)
        rate = f"{mb / extra:,.0f} MB/s" if extra > 0.05 else "too fast to tell on this size"
        print(f"  {name}: {rate} (the whole file, beyond the default run's own time)")
    rows += [
        row(
            "4 indexed WGS",
            "  opt: --checksum full (big) vs default (big)",
            full,
            big_run,
            1.3,
            "il1rn-annot annotate --checksum full",
            "il1rn-annot annotate",
            informational=True,
            checksum_mb_per_s=round(mb / (full["seconds"] - big_run["seconds"]))
            if full["seconds"] - big_run["seconds"] > 0.05
            else None,
        ),
        row(
            "4 indexed WGS",
            "  part: sha256sum (big) vs default annotate",
            sha,
            big_run,
            1.3,
            "sha256sum",
            "il1rn-annot annotate",
            informational=True,
            sha256sum_mb_per_s=round(mb / max(sha["seconds"], 1e-6)),
        ),
    ]
    return rows


# ------------------------------------------------------------------------------------------
# report


# ------------------------------------------------------------------------------------------
# scenario 5: a >= 1 GB population VCF (issue 20: --population-vcf reads the window only)

#: gnomAD v4.1 joint INFO fields the tool reads, plus `vep`: gnomAD's per-record VEP string, the
#: bulk of a real record (random text here, so the file compresses as little as a real one)
POPULATION_INFO = [
    '##INFO=<ID=AC_joint,Number=A,Type=Integer,Description="Joint allele count">',
    '##INFO=<ID=AN_joint,Number=1,Type=Integer,Description="Joint total allele number">',
    '##INFO=<ID=AF_joint,Number=A,Type=Float,Description="Joint allele frequency">',
    '##INFO=<ID=nhomalt_joint,Number=A,Type=Integer,Description="Joint homozygote count">',
    '##INFO=<ID=vep,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP">',
]


def write_population_vcf(path: Path, n_records: int, seed: int) -> dict[str, Any]:
    """A gnomAD-v4.1-joint-shaped sites VCF of chr2 (GRCh38 contig lines), bgzipped and indexed."""
    rng = np.random.default_rng(seed)
    chr2 = dict(GRCH38)["chr2"]
    positions = np.sort(rng.choice(np.arange(10_000, chr2 - 10_000), size=n_records, replace=False))
    head = ["##fileformat=VCFv4.2", '##FILTER=<ID=PASS,Description="Passed all variant filters">', *POPULATION_INFO]
    head += [f"##contig=<ID={name},length={length},assembly=GRCh38>" for name, length in GRCH38]
    head.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    alphabet = np.frombuffer(b"ACGT|&-_0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    out = Bgzip(path)
    out.write(("\n".join(head) + "\n").encode())
    chunk = 100_000
    in_window = 0
    for lo in range(0, n_records, chunk):
        pos = positions[lo : lo + chunk]
        n = len(pos)
        in_window += int(np.count_nonzero((pos >= WSTART) & (pos <= WEND)))
        ref = rng.integers(0, 4, n)
        alt = (ref + rng.integers(1, 4, n)) % 4
        ac = rng.integers(1, 5000, n)
        cols = [
            const_col("chr2\t", n),
            int_col(pos),
            const_col("\t.\t", n),
            (np.frombuffer(b"ACGT", dtype=np.uint8)[ref][:, None], None),
            const_col("\t", n),
            (np.frombuffer(b"ACGT", dtype=np.uint8)[alt][:, None], None),
            const_col("\t.\tPASS\tAC_joint=", n),
            int_col(ac),
            const_col(";AN_joint=1461894;AF_joint=0.00", n),
            int_col(rng.integers(1000, 9999, n)),
            const_col(";nhomalt_joint=0;vep=", n),
            (alphabet[rng.integers(0, len(alphabet), (n, 600))], None),
            const_col("\n", n),
        ]
        out.write(join_cols(cols))
    out.close()
    tabix(path)
    return {"records": n_records, "records_in_window": in_window, "bytes": path.stat().st_size}


def scenario_population(data: Path, quick: bool, timeout: float, no_extras: bool = False) -> list[dict[str, Any]]:
    """`annotate --population-vcf BIG` against `annotate` alone on the same input: what the lookup costs."""
    print("\n== scenario 5: annotate with a >= 1 GB indexed population VCF vs without")
    n = 60_000 if quick else 2_500_000
    path = data / f"gnomad.joint.v4.1.sites.chr2.bench_{n}.vcf.bgz"
    facts = generated(
        data / f"population_{n}.stamp.json", {"n": n, "v": 1}, lambda: write_population_vcf(path, n, seed=20)
    )
    print(
        f"  resource: {path.name}: {facts['records']:,} records ({facts['records_in_window']} in the window), "
        f"{facts['bytes'] / 1e9:.2f} GB, tabix-indexed [generated in {facts.get('generation_s')} s]"
    )
    sample = REPO / "test_data" / "gatk_hc.PATIENT_HOM_E77X.vcf.gz"
    with_dir, without_dir = data / "out_population_with", data / "out_population_without"
    ours, theirs = measure_pair(
        annotate_cmd([str(sample)], with_dir, "--population-vcf", str(path)),
        annotate_cmd([str(sample)], without_dir),
        runs=5,
        timeout=timeout,
        prepare=lambda: [shutil.rmtree(d, ignore_errors=True) for d in (with_dir, without_dir)],
        labels=("annotate --population-vcf", "annotate (no population data)"),
    )
    result = row(
        "5",
        f"population VCF {facts['bytes'] / 1e9:.2f} GB",
        ours,
        theirs,
        1.5,
        "il1rn-annot annotate --population-vcf",
        "il1rn-annot annotate (without; not bcftools)",
        resource_bytes=facts["bytes"],
    )
    print(f"  ratio with/without population VCF: {result['ratio']}")
    return [result]


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, AttributeError):
        pass

    def version(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.splitlines()[0].strip()
        except Exception:
            return ""

    package = version([sys.executable, "-c", "import il1rn_annot; print(il1rn_annot.__file__)"])
    commit = version(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = bool(version(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"]))
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "bcftools": version(["bcftools", "--version"]),
        "il1rn_annot": version([tool_exe("il1rn-annot"), "--version"]),
        "snakemake": version([tool_exe("snakemake"), "--version"]),
        "git_commit": commit + ("+dirty-src" if dirty else ""),
        "package": package,
        "pythonpath": os.environ.get("PYTHONPATH", ""),
        "peak_memory_method": "/usr/bin/time -v" if os.path.exists(GNU_TIME) else "os.wait4 ru_maxrss",
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = [
        "scenario",
        "case",
        "ours s",
        "bcftools s",
        "ratio",
        "target",
        "ok",
        "ours CPU s",
        "bcftools CPU s",
        "ours peak MB",
        "bcftools peak MB",
        "load",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if r.get("skipped"):
            lines.append(
                f"| {r['scenario']} | {r['case']} | skipped: {r['skipped']} | | | ≤ {r['target_ratio']} |" + " |" * 6
            )
            continue
        info = r.get("informational")
        status = "" if info else ("yes" if r["meets_target"] else "**no**")
        if r.get("ours_status") not in (0, None):
            status = f"**{r['ours_status']}**"
        lines.append(
            f"| {r['scenario']} | {r['case']} | {r['ours_s']:.2f} | {r['bcftools_s']:.3f} | "
            f"{r['ratio']:.2f} | {'' if info else '≤ ' + str(r['target_ratio'])} | {status} | "
            f"{r['ours_cpu_s']:.2f} | {r['bcftools_cpu_s']:.2f} | "
            f"{r['ours_peak_mb']:.0f} | {r['bcftools_peak_mb']:.0f} | {r['load_avg_1min']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs (CI smoke test, < 1 minute)")
    parser.add_argument(
        "--scenarios",
        default="1,2,3",
        help="comma-separated subset of 1,2,3,4,5 (default: 1,2,3; 4 and 5 write a 1 GB file)",
    )
    parser.add_argument(
        "--data-dir",
        help="where inputs are generated (default: a temporary folder, removed afterwards unless --keep-data)",
    )
    parser.add_argument("--keep-data", action="store_true", help="keep (and reuse) the generated inputs")
    parser.add_argument(
        "--out", help="JSON results file (default benchmarks/out/results.json, results_quick.json with --quick)"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="per-command timeout in seconds")
    parser.add_argument(
        "--no-extras",
        action="store_true",
        help="only the target rows: skip the reference rows (scenario 1 one-process and "
        "bcftools-view runs, scenario 2 one-process and one-file runs, scenario 3 parts "
        "and streaming)",
    )
    parser.add_argument(
        "--wait-for-workflow",
        type=float,
        default=0,
        help="scenario 2: seconds to wait (polling) for a Snakefile to appear (default 0)",
    )
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="do not compile the package's bytecode first (each run then compiles it when "
        "PYTHONDONTWRITEBYTECODE is set)",
    )
    args = parser.parse_args(argv)
    if not shutil.which("bcftools"):
        print("bcftools is not on PATH", file=sys.stderr)
        return 2
    wanted = {s.strip() for s in args.scenarios.split(",") if s.strip()}
    if args.data_dir:
        data = Path(args.data_dir).resolve()  # the workflow runs in another folder
    elif args.keep_data:
        data = OUT / ("data_quick" if args.quick else "data")
    else:
        data = Path(tempfile.mkdtemp(prefix="il1rn-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    info = machine()
    info["bytecode"] = "not compiled (--no-compile)" if args.no_compile else compile_bytecode(info["package"])
    print(
        f"il1rn-annot benchmarks ({'quick' if args.quick else 'full'}) on {info['cpus']} CPUs, {info['memory']}; "
        f"{info['bcftools']}; read window {REGION}; data in {data}; bytecode {info['bytecode']}"
    )
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    try:
        if "1" in wanted:
            rows += scenario_joint(data, args.quick, args.timeout, args.no_extras)
        if "2" in wanted:
            rows += scenario_cohort(data, args.quick, args.timeout, args.wait_for_workflow, args.no_extras)
        if "3" in wanted:
            rows += scenario_wgs(data, args.quick, args.timeout, args.no_extras)
        if "4" in wanted:
            rows += scenario_indexed_big(data, args.quick, args.timeout, args.no_extras)
        if "5" in wanted:
            rows += scenario_population(data, args.quick, args.timeout, args.no_extras)
    finally:
        if not args.keep_data and not args.data_dir:
            shutil.rmtree(data, ignore_errors=True)
    text = table(rows)
    print("\n" + text)
    result = {
        "generated_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "machine": info,
        "region": REGION,
        "total_seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
        "table_markdown": text,
    }
    out = Path(args.out or OUT / ("results_quick.json" if args.quick else "results.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"\nresults: {out} ({result['total_seconds']} s in all)")
    failed = [r for r in rows if not r.get("informational") and r.get("ours_status") not in (0, None)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
