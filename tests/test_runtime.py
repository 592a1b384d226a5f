"""The cyclic garbage collector is paused only for the work, and always resumed."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.errors import InputError
from il1rn_annot.runtime import cyclic_gc_paused

DATA = Path(__file__).resolve().parents[1] / "test_data"


def test_paused_inside_resumed_after_even_on_error():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), cyclic_gc_paused():
        _ = 1 / 0
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # a caller's own pause is left as it was
    finally:
        gc.enable()


def test_annotate_file_resumes_the_collector(tmp_path, kb):
    annotate_file(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", tmp_path, kb)
    assert gc.isenabled()
    with pytest.raises(InputError):
        annotate_file(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", tmp_path, kb, samples=["nobody"])
    assert gc.isenabled()
