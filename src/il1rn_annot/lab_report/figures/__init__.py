"""The lab report's figures, drawn as SVG text: the IL-1 cluster (`cluster`), the IL1RN exons
(`exons`) and what they share (`svg`). Import-free (see `il1rn_annot/__init__.py`)."""
