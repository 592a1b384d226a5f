#!/usr/bin/env python3
"""Generate the population (gnomAD-shaped) and ClinVar-shaped test resources, deterministically.

Run from the repository root:  .venv/bin/python test_data/evidence/make_evidence_data.py

Writes, bgzipped and tabix-indexed, beside this script:

* gnomad.joint.v4.1.sites.chr2.IL1RN.vcf.bgz   GRCh38, `chr2`, v4.1 joint field names
* gnomad.exomes.r2.1.1.sites.2.IL1RN.vcf.bgz   GRCh37, `2`, v2.1.1 field names
* clinvar_GRCh38.IL1RN.vcf.gz                   GRCh38, `2` (ClinVar names chromosomes without chr)
* clinvar_GRCh37.IL1RN.vcf.gz                   GRCh37, `2`

Positions are the real IL1RN positions of the knowledge base (rs419598 c.171T>C, E77X c.229G>T,
c.181C>T, c.449T>A/C) and an intron-1 A-run deletion; REF bases agree with the synthetic FASTA of
test_data/ref (checked below). FREQUENCIES, COUNTS AND CLINVAR IDENTIFIERS ARE INVENTED for the
tests (VariationIDs from 90000001): never read them as gnomAD's or ClinVar's figures.
test_data/README.md ("Population and ClinVar resources") says which header lines were read where.
"""

from __future__ import annotations

from pathlib import Path

import pysam

OUT = Path(__file__).resolve().parent
REF = OUT.parent / "ref"
SHIFT37 = 757_577  # GRCh37 = GRCh38 + this across the IL-1 cluster (the KB's liftover offset)

V41_JOINT_HEADER = [
    "##fileformat=VCFv4.2",
    '##FILTER=<ID=PASS,Description="Passed all variant filters">',
    '##INFO=<ID=AC_joint,Number=A,Type=Integer,Description="Joint allele count">',
    '##INFO=<ID=AN_joint,Number=1,Type=Integer,Description="Joint total allele number">',
    '##INFO=<ID=AF_joint,Number=A,Type=Float,Description="Joint allele frequency">',
    '##INFO=<ID=nhomalt_joint,Number=A,Type=Integer,Description="Joint homozygote count">',
    '##INFO=<ID=AF_grpmax_joint,Number=A,Type=Float,Description="grpmax AF">',
    '##INFO=<ID=grpmax_joint,Number=A,Type=String,Description="grpmax group">',
    '##INFO=<ID=fafmax_faf95_max_joint,Number=A,Type=Float,Description="faf95 max">',
    "##contig=<ID=chr2,length=242193529,assembly=GRCh38>",
]

V211_EXOMES_HEADER = [
    "##fileformat=VCFv4.2",
    '##FILTER=<ID=PASS,Description="Passed all variant filters">',
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Alternate allele count for samples">',
    '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in samples">',
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency in samples">',
    '##INFO=<ID=nhomalt,Number=A,Type=Integer,Description="Count of homozygous individuals in samples">',
    '##INFO=<ID=popmax,Number=A,Type=String,Description="Population with maximum AF">',
    (
        '##INFO=<ID=AF_popmax,Number=A,Type=Float,Description="Maximum allele frequency across populations '
        '(excluding samples of Ashkenazi, Finnish, and indeterminate ancestry)">'
    ),
    "##contig=<ID=2,length=243199373>",
]

CLINVAR_INFO = [
    '##ID=<Description="ClinVar Variation ID">',
    '##INFO=<ID=ALLELEID,Number=1,Type=Integer,Description="the ClinVar Allele ID">',
    (
        "##INFO=<ID=CLNDN,Number=.,Type=String,Description=\"ClinVar's preferred disease name for the concept "
        'specified by disease identifiers in CLNDISDB">'
    ),
    (
        '##INFO=<ID=CLNHGVS,Number=.,Type=String,Description="Top-level (primary assembly, alt, or patch) HGVS '
        'expression.">'
    ),
    '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status for the Variation ID">',
    (
        '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance for this single variant; '
        'multiple values are separated by a vertical bar">'
    ),
    (
        '##INFO=<ID=CLNSIGCONF,Number=.,Type=String,Description="Conflicting clinical significance for this single '
        'variant; multiple values are separated by a vertical bar">'
    ),
    '##INFO=<ID=CLNVC,Number=1,Type=String,Description="Variant type">',
    (
        '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene(s) for the variant reported as gene symbol:gene '
        'id. The gene symbol and id are delimited by a colon (:) and each pair is delimited by a vertical bar (|)">'
    ),
    '##INFO=<ID=RS,Number=.,Type=String,Description="dbSNP ID (i.e. rs number)">',
]


def clinvar_header(build: str) -> list[str]:
    return ["##fileformat=VCFv4.1", "##fileDate=2024-12-01", "##source=ClinVar", f"##reference={build}", *CLINVAR_INFO]


#: GRCh38 position, ID, REF, ALT, (v4.1 joint INFO, v2.1.1 exomes INFO)
POPULATION = [
    # intron-1 deletion of one A from the A-run at 113127811-113127814, left-aligned (anchor 113127810)
    (
        113127810,
        ".",
        "{b}A",
        "{b}",
        (
            "AC_joint=12;AN_joint=1461000;AF_joint=8.21355e-06;nhomalt_joint=0;"
            "AF_grpmax_joint=2.1e-05;grpmax_joint=nfe;fafmax_faf95_max_joint=1.2e-05"
        ),
        "AC=2;AN=251000;AF=7.96813e-06;nhomalt=0;popmax=nfe;AF_popmax=1.8e-05",
    ),
    # rs419598 c.171T>C: common
    (
        113129630,
        "rs419598",
        "T",
        "C",
        (
            "AC_joint=396800;AN_joint=1461894;AF_joint=0.271429;nhomalt_joint=54321;"
            "AF_grpmax_joint=0.301;grpmax_joint=nfe;fafmax_faf95_max_joint=0.2985"
        ),
        "AC=68120;AN=251000;AF=0.271394;nhomalt=9300;popmax=nfe;AF_popmax=0.3",
    ),
    # c.181C>T p.(Gln61Ter): a rare loss of function, seen once
    (
        113129640,
        ".",
        "C",
        "T",
        "AC_joint=1;AN_joint=1461894;AF_joint=6.84044e-07;nhomalt_joint=0",
        "AC=1;AN=251000;AF=3.98406e-06;nhomalt=0",
    ),
    # E77X c.229G>T (curated pathogenic): seen homozygous once (the warning's case)
    (
        113131068,
        ".",
        "G",
        "T",
        "AC_joint=3;AN_joint=1461894;AF_joint=2.05213e-06;nhomalt_joint=1",
        "AC=2;AN=251000;AF=7.96813e-06;nhomalt=1",
    ),
    # c.449T>A (rare) and c.449T>C (above the DIRA BS1 threshold) in one multi-allelic record
    (
        113132786,
        ".",
        "T",
        "A,C",
        (
            "AC_joint=5,3070;AN_joint=1461894;AF_joint=3.42026e-06,0.00210002;"
            "nhomalt_joint=0,4;AF_grpmax_joint=1.1e-05,0.0062;grpmax_joint=afr,afr;"
            "fafmax_faf95_max_joint=2e-06,0.0051"
        ),
        "AC=1,520;AN=251000;AF=3.98406e-06,0.00207171;nhomalt=0,1;popmax=nfe,afr;AF_popmax=9e-06,0.0062",
    ),
]

#: GRCh38 position, VariationID, REF, ALT, INFO (CLNHGVS written per build)
CLINVAR = [
    (
        113129630,
        "90000001",
        "T",
        "C",
        (
            "ALLELEID=91000001;CLNDN=not_provided;CLNHGVS={g};"
            "CLNREVSTAT=criteria_provided,_multiple_submitters,_no_conflicts;CLNSIG=Benign;"
            "CLNVC=single_nucleotide_variant;GENEINFO=IL1RN:3557;RS=419598"
        ),
    ),
    (
        113131068,
        "90000002",
        "G",
        "T",
        (
            "ALLELEID=91000002;CLNDN=Deficiency_of_interleukin-1_receptor_antagonist;"
            "CLNHGVS={g};CLNREVSTAT=criteria_provided,_single_submitter;CLNSIG=Pathogenic;"
            "CLNVC=single_nucleotide_variant;GENEINFO=IL1RN:3557"
        ),
    ),
    (
        113132786,
        "90000003",
        "T",
        "A",
        (
            "ALLELEID=91000003;CLNDN=not_provided;CLNHGVS={g};"
            "CLNREVSTAT=criteria_provided,_conflicting_classifications;CLNSIG=Conflicting_classifications_of_pathogenicity;"
            "CLNSIGCONF=Uncertain_significance(1)|Likely_benign(1);CLNVC=single_nucleotide_variant;GENEINFO=IL1RN:3557"
        ),
    ),
    (
        113132786,
        "90000004",
        "T",
        "C",
        (
            "ALLELEID=91000004;CLNDN=Deficiency_of_interleukin-1_receptor_antagonist;"
            "CLNHGVS={g};CLNREVSTAT=criteria_provided,_single_submitter;CLNSIG=Likely_pathogenic;"
            "CLNVC=single_nucleotide_variant;GENEINFO=IL1RN:3557"
        ),
    ),
]

CHROM_LINE = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"


def _fasta(build: str) -> pysam.FastaFile:
    name = "GRCh38_chr2_113100001-113160000" if build == "GRCh38" else "GRCh37_2_113857578-113917577"
    return pysam.FastaFile(str(REF / f"{name}.synthetic.fa"))


def _base(fa: pysam.FastaFile, build: str, pos: int) -> str:
    contig = fa.references[0]
    start = 113100001 if build == "GRCh38" else 113857578
    return fa.fetch(contig, pos - start, pos - start + 1).upper()


def _write(name: str, header: list[str], rows: list[str]) -> None:
    text = OUT / name.removesuffix(".bgz").removesuffix(".gz")
    text.write_text("\n".join([*header, CHROM_LINE, *rows]) + "\n")
    target = OUT / name
    pysam.tabix_compress(str(text), str(target), force=True)
    text.unlink()
    pysam.tabix_index(str(target), preset="vcf", force=True)


def main() -> None:
    for build, shift, chrom, pop_name, header, col in (
        ("GRCh38", 0, "chr2", "gnomad.joint.v4.1.sites.chr2.IL1RN.vcf.bgz", V41_JOINT_HEADER, 4),
        ("GRCh37", SHIFT37, "2", "gnomad.exomes.r2.1.1.sites.2.IL1RN.vcf.bgz", V211_EXOMES_HEADER, 5),
    ):
        fa = _fasta(build)
        rows = []
        for entry in POPULATION:
            pos, vid, ref, alt = entry[0] + shift, entry[1], entry[2], entry[3]
            anchor = _base(fa, build, pos)
            ref, alt = ref.format(b=anchor), alt.format(b=anchor)
            for k, base in enumerate(ref):  # REF agrees with the synthetic FASTA
                assert _base(fa, build, pos + k) == base, (build, pos, ref)
            rows.append("\t".join([chrom, str(pos), vid, ref, alt, ".", "PASS", str(entry[col])]))
        _write(pop_name, header, rows)
        cv_rows = []
        accession = "NC_000002.12" if build == "GRCh38" else "NC_000002.11"
        for pos38, vid, ref, alt, info in CLINVAR:
            pos = pos38 + shift
            assert _base(fa, build, pos) == ref, (build, pos, ref)
            g = f"{accession}:g.{pos}{ref}>{alt}"
            cv_rows.append("\t".join(["2", str(pos), vid, ref, alt, ".", ".", info.format(g=g)]))
        _write(f"clinvar_{build}.IL1RN.vcf.gz", clinvar_header(build), cv_rows)
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("*.gz*")) + sorted(p.name for p in OUT.glob("*.bgz*"))))


if __name__ == "__main__":
    main()
