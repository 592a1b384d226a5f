"""What a gnomAD-shaped population VCF says about one allele: AF, AC, AN, homozygotes, group maximum.

gnomAD names its fields differently per release, so each resource's INFO definitions pick the
names once (`PopulationFields.from_header`): v4.1 joint `AF_joint`, `nhomalt_joint`,
`AF_grpmax_joint`, `fafmax_faf95_max_joint`; v4 exomes/genomes `AF`, `nhomalt`, `AF_grpmax`,
`fafmax_faf95_max`; v2/v3 `AF`, `nhomalt`, `AF_popmax`, `faf95_popmax`/`faf95`. Only fields the
header declares are read; the names used are recorded in the provenance. A resource without an
allele frequency (AF, or AC and AN) is refused.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from il1rn_annot.errors import InputError
from il1rn_annot.evidence.resource import ResourceFile

#: candidate INFO names per quantity, most specific first (v4.1 joint, v4, v2/v3)
_CANDIDATES: dict[str, tuple[str, ...]] = {
    "af": ("AF_joint", "AF"),
    "ac": ("AC_joint", "AC"),
    "an": ("AN_joint", "AN"),
    "nhomalt": ("nhomalt_joint", "nhomalt"),
    "af_grpmax": ("AF_grpmax_joint", "AF_grpmax", "AF_popmax"),
    "grpmax": ("grpmax_joint", "grpmax", "popmax"),
    "faf95": ("fafmax_faf95_max_joint", "fafmax_faf95_max", "faf95_popmax", "faf95"),
}


@dataclass(frozen=True)
class PopulationFields:
    """The INFO names this resource uses for each quantity ('' where it has none)."""

    af: str
    ac: str
    an: str
    nhomalt: str
    af_grpmax: str
    grpmax: str
    faf95: str

    @classmethod
    def from_header(cls, resource: ResourceFile) -> PopulationFields:
        chosen = {
            key: next((name for name in names if name in resource.info_ids), "") for key, names in _CANDIDATES.items()
        }
        if not chosen["af"] and not (chosen["ac"] and chosen["an"]):
            raise InputError(
                "the population resource declares no allele frequency (INFO AF/AF_joint, or AC and AN)",
                path=resource.path,
                where="header",
                hint="give a gnomAD sites VCF (v2.1.1, v3, v4 exomes/genomes or v4.1 joint) or a VCF with INFO AF",
            )
        return cls(**chosen)

    def used(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in asdict(self).items() if v)


@dataclass
class PopulationFrequency:
    """One allele's entry in one population resource."""

    source: str  # label of the resource, e.g. "gnomAD v4.1 joint"
    af: float | None
    ac: int | None
    an: int | None
    nhomalt: int | None
    af_grpmax: float | None
    grpmax: str
    faf95: float | None
    filter: str
    record: str  # CHROM:POS REF>ALT of the resource's record (as written there)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def dataset_label(resource: ResourceFile) -> str:
    """'gnomAD v4.1 joint', 'gnomAD r2.1.1 exomes' … from the file name (gnomAD headers carry no release
    name); any other file is named by its file name."""
    name = Path(resource.path).name
    m = re.match(r"gnomad\.(joint|exomes|genomes)\.(v?r?\d+(?:\.\d+)*)", name, re.IGNORECASE)
    if m:
        release = m.group(2)
        release = release if release[0] in "vr" else "v" + release
        return f"gnomAD {release} {m.group(1)}"
    return name


def _number(text: str | None, k: int, cast: type) -> Any:
    """Value k of a Number=A field (or the single value of a Number=1 one); None when absent or '.'."""
    if text is None:
        return None
    parts = text.split(",")
    value = parts[k] if k < len(parts) else parts[0] if len(parts) == 1 else None
    if value in (None, ".", ""):
        return None
    try:
        return cast(value)
    except ValueError:
        return None


def frequency_of(
    resource: ResourceFile,
    fields: PopulationFields,
    label: str,
    info: dict[str, str | None],
    k: int,
    where: str,
    filt: str,
) -> PopulationFrequency:
    """The k-th ALT's (0-based) values of a record's INFO."""
    ac = _number(info.get(fields.ac), k, int) if fields.ac else None
    an = _number(info.get(fields.an), 0, int) if fields.an else None
    af = _number(info.get(fields.af), k, float) if fields.af else None
    if af is None and ac is not None and an:
        af = ac / an
    grp = info.get(fields.grpmax) if fields.grpmax else None
    grp_parts = (grp or "").split(",")
    return PopulationFrequency(
        source=label,
        af=af,
        ac=ac,
        an=an,
        nhomalt=_number(info.get(fields.nhomalt), k, int) if fields.nhomalt else None,
        af_grpmax=_number(info.get(fields.af_grpmax), k, float) if fields.af_grpmax else None,
        grpmax=(grp_parts[k] if k < len(grp_parts) else grp_parts[0]) if grp else "",
        faf95=_number(info.get(fields.faf95), k, float) if fields.faf95 else None,
        filter=filt,
        record=where,
    )
