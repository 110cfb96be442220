"""shenyue (审阅): review and score government information-disclosure annual reports.

Layers, lowest first (a layer never imports a higher one, and nothing below
``tui`` imports Textual):

    reading   files -> decoded text (+ chrome spans, encodings, extraction)
    model     decoded text -> Report (sections, tables, metadata, spans)
    analysis  Report(s) -> findings, similarity
    review    rubric, review files, score sheets
    cli, tui  interfaces
"""

__version__ = "0.1.0"
