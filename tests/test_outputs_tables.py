"""Output writers: the TSV fast path writes exactly what the csv module writes."""

from __future__ import annotations

import csv
import io
import math
import random

import pandas as pd
import pytest

from il1rn_annot.outputs.tables import _tsv, _tsv_joined, write_table

COLUMNS = ["sample", "pos", "af", "flag", "note"]
AWKWARD = ["a\tb", 'say "hi"', "two\nlines", "cr\rhere", "", " ", "é ü ß", "ends\t"]


def _csv_reference(rows: list[dict], columns: list[str]) -> str:
    """What csv.writer gives, NaN written as empty, as write_table documents."""
    cells = [[None if isinstance(v, float) and math.isnan(v) else v for v in map(r.get, columns)] for r in rows]
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter="\t",
        lineterminator="\n",
        quoting=csv.QUOTE_ALL if any("\r" in str(v) for line in cells for v in line) else csv.QUOTE_MINIMAL,
    )
    writer.writerow(columns)
    writer.writerows(cells)
    return buffer.getvalue()


@pytest.mark.parametrize("seed", range(20))
def test_write_table_matches_the_csv_module_byte_for_byte(tmp_path, seed):
    rng = random.Random(seed)
    plain = ["P0001", "c.229G>T", "likely_benign", "rs419598", "DIRA;MVCD4"]
    awkward = seed % 2 == 1  # odd seeds: some cells need quoting, and the csv path is taken
    rows = []
    for i in range(rng.randint(0, 40)):
        rows.append(
            {
                "sample": rng.choice(plain) + str(i),
                "pos": rng.choice([113131068, None, 0, -1]),
                "af": rng.choice([0.25, 1e-7, float("nan"), None, 1.0, 2.5e10]),
                "flag": rng.choice([True, False, None]),
                "note": rng.choice(plain + (AWKWARD if awkward else [])),
            }
        )
    path = tmp_path / "t.tsv"
    write_table(path, rows, COLUMNS)
    assert path.read_bytes() == _csv_reference(rows, COLUMNS).encode("utf-8")
    back = pd.read_csv(path, sep="\t", keep_default_na=False, dtype=str)
    assert len(back) == len(rows) and list(back.columns) == COLUMNS


@pytest.mark.parametrize("bad", AWKWARD[:4])
def test_a_cell_needing_quotes_is_left_to_the_csv_module(bad):
    cells = [["x", 1, bad, None, 2.0]]
    assert _tsv_joined(COLUMNS, cells) is None
    assert _tsv_joined(COLUMNS, [["x", 1, "fine", None, 2.0]]) == _tsv(
        COLUMNS, [["x", 1, "fine", None, 2.0]], csv.QUOTE_MINIMAL
    )
