"""The shared vocabulary and the shared Jinja environment: one source, stdlib only, escaping on."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

from markupsafe import Markup

from il1rn_annot.core import vocabulary
from il1rn_annot.outputs import html


def test_workflow_sheet_module_loads_no_heavy_library() -> None:
    """Snakemake imports workflow.sheet, .batches and .report_parts (and so the vocabulary) while it
    builds the DAG (rules/common.smk)."""
    code = (
        "import sys, il1rn_annot.workflow.sheet, il1rn_annot.workflow.batches, il1rn_annot.workflow.report_parts, "
        "il1rn_annot.core.vocabulary; print(sorted(m for m in ('cyvcf2', 'pysam', 'jinja2', 'weasyprint', "
        "'markupsafe', 'pandas', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_deletion_types_are_kinds_the_annotation_can_hold() -> None:
    schema = json.loads(resources.files("il1rn_annot").joinpath("schemas/annotation.schema.json").read_text())
    enums = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "variant_type" in node and isinstance(node["variant_type"], dict) and "enum" in node["variant_type"]:
                enums.append(set(node["variant_type"]["enum"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert enums and all(set(vocabulary.DELETION_TYPES) <= kinds for kinds in enums)
    assert "cnv_loss" not in vocabulary.DELETION_TYPES


def test_one_palette_for_every_drawing() -> None:
    from il1rn_annot.cohort import html as cohort_html
    from il1rn_annot.lab_report.figures import exons

    assert exons.CLASS_COLOURS is vocabulary.CLASS_COLOURS is cohort_html.CLASS_COLOURS
    assert vocabulary.class_colour("pathogenic") == vocabulary.CLASS_COLOURS["pathogenic"]
    assert vocabulary.class_colour("not_a_class") == vocabulary.OTHER_CLASS_COLOUR


def test_the_shared_environment_escapes_user_text() -> None:
    env = html.environment()
    assert env is html.environment()
    page = env.from_string("{{ sample }} {{ svg }} {{ term | words }} {{ path | basename }}").render(
        sample="<script>alert(1)</script>", svg=Markup("<svg/>"), term="possible_DIRA", path="run/<b>.vcf"
    )
    assert page == "&lt;script&gt;alert(1)&lt;/script&gt; <svg/> possible DIRA &lt;b&gt;.vcf"
