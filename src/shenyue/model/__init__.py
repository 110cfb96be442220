"""Model layer: a report's decoded text turned into what the checks read (no Textual here).

``report.py`` (Document, Report, Section, Span), ``text.py`` and ``normalize.py`` (folding and
Traditional → simplified copies for matching; offsets always map back to the reviewer's text),
``chrome.py`` (page furniture), ``metadata.py`` (title, unit, year, signature date), ``units.py``.
Sections: ``section_titles.py`` (the standard titles and matching words to them), ``headings.py``
(where sections start), ``sections.py`` (sections built from the headings; the names of all three
importable from it), ``document_kind.py`` (annual report, work summary, blank template or not a
report). ``tables/`` reads the statistics tables.
"""
