"""The per-sample lab report (HTML and PDF) a clinician reads and signs."""
