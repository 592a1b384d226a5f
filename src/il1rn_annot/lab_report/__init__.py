"""The per-sample lab report (HTML and PDF) a clinician reads and signs.

In the order a report is made (import-free: see `il1rn_annot/__init__.py`):

* `command`  - `il1rn-annot report`: plan, write every chosen sample, `--all-or-nothing`;
* `plan`     - which samples get a report, from which annotation JSONs (`--samples-from`,
  `--statuses`, `--part K/N`), and the refusal of two samples sharing one file name;
* `writer`   - `ReportWriter` / `write_report`: one sample's files, safely named, atomically;
* `context`  - the view of one sample the template renders (status, inputs, limits, coverage,
  recommendations), built on `variant_rows` (the tables), `references` (citations) and
  `figures/` (the cluster and exon drawings, SVG);
* `render`   - HTML through the shared Jinja environment, PDF through WeasyPrint (data: URIs only);
* `lab_settings` - the lab's name, address, reviewers and logo (`--lab-config`).

The template is `templates/report.html.j2`.
"""
