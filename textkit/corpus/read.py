"""Read a corpus the researcher brings: a table of texts or a folder of documents.

:func:`read_texts` turns either input into one table of documents with their document
variables, and a report with one row per input (a table row or a file), read or rejected
with the reason:

* a **table** (``.csv``, ``.tsv``, ``.xlsx``, ``.xls``, ``.jsonl``, ``.parquet``): one row
  is one document. CSV and TSV bytes are decoded by the strict decoder of the ingest stage
  (:func:`textkit.corpus.ingest.decode_bytes`) before pandas parses them; a workbook's
  (``.xlsx``, or Excel 97-2003 ``.xls``: both read the same way) first sheet (or
  ``sheet``) is read from its header row (title rows above it skipped),
  merged cells filled down, its cells losing the ``_x000D_`` escapes Excel writes and their
  line breaks becoming ``"\\n"`` (the other sheets are named in the report's ``repairs``;
  a formula cell gives the value the workbook stored when it was last saved, missing in a
  workbook written by a program that does not compute formulas; see
  :mod:`textkit.corpus.workbook`). A header that names a
  column twice, a JSON line that names a key twice, and a parquet text column of
  numbers or dates are errors naming the file, column or line;
* a **folder**: every file matching ``include`` (and no ``exclude`` pattern), searched
  recursively in sorted order, is one page. Its text is extracted by its format
  (:func:`textkit.corpus.extract.extract_text`): text files (``.txt``) are decoded like the
  raw pages (one holding an HTML page is read as HTML, said in ``repairs``), HTML pages (``.html``, ``.htm``, ``.xhtml``) decoded and reduced to their body
  text, Word documents (``.docx``) read paragraph by paragraph, PDF files (``.pdf``) by
  their text layer; the title an HTML, Word or PDF file records becomes the page title.
  Old Word (``.doc``), RTF and OpenDocument files are rejected with advice to save them as
  ``.docx``, a file of another type matching ``include`` as unsupported. Document
  variables can be read from the relative path (``docvars_from="{province}/{year}/{name}"``)
  and from a table with a row per file (``metadata="metadata.csv"``, joined by
  :mod:`textkit.corpus.read_metadata`).

:func:`textkit.corpus.build.build_corpus` accepts the result: table rows are documents as
they are, files from a folder are split into articles like the raw pages.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from textkit.core.checks import check_str
from textkit.core.errors import InvalidParameterError
from textkit.corpus.read_folder import DEFAULT_INCLUDE, _docvars_regex, _read_folder
from textkit.corpus.read_metadata import _check_clash, _join_metadata, _load_metadata
from textkit.corpus.read_result import (
    READ_COLUMNS,
    REPORT_COLUMNS,
    RESERVED_NAMES,
    ReadResult,
    _column_names,
    _given_options,
    _meta_with_dates,
    _with_dates,
    document_variables,
)
from textkit.corpus.read_table import _check_regular_file, _read_table, _table_extractor

__all__ = [
    "DEFAULT_INCLUDE",
    "READ_COLUMNS",
    "REPORT_COLUMNS",
    "RESERVED_NAMES",
    "ReadResult",
    "document_variables",
    "read_texts",
]


def read_texts(
    path: str | os.PathLike,
    *,
    text: str | None = None,
    meta: str | list[str] | tuple[str, ...] | None = None,
    id: str | None = None,  # noqa: A002 - the column naming the documents' ids
    docvars_from: str | None = None,
    include: list[str] | tuple[str, ...] | None = None,
    exclude: list[str] | tuple[str, ...] | None = None,
    encoding: str | None = None,
    title: str | None = None,
    sheet: str | None = None,
    dates: str | list[str] | tuple[str, ...] | None = None,
    metadata: str | os.PathLike | None = None,
    metadata_key: str | None = None,
) -> ReadResult:
    """Read a table of texts or a folder of documents, one document per row or file.

    Parameters
    ----------
    path : path-like
        A table file (``.csv``, ``.tsv``, ``.xlsx``, ``.xls``, ``.jsonl``, ``.parquet``) or
        a folder of text (``.txt``), HTML (``.html``, ``.htm``, ``.xhtml``), Word
        (``.docx``) and PDF (``.pdf``) files.
    text : str, optional
        Tables: the column holding the text (default: a column named ``text``).
    meta : str or list of str, optional
        Tables: the columns kept as document variables (default: every column but the text,
        title and id columns); one column may be named as a string (``meta="province"``).
    id : str, optional
        Tables: the column holding the document ids (default: ids
        ``"<file stem>#<row>"``, the 1-based row number zero-padded to the width of the
        largest one, at least two digits).
    docvars_from : str, optional
        Folders: a pattern the relative path must match, whose fields become document
        variables: ``"{province}/{year}/{name}"`` (a field matches one path part, or
        part of one; ending in a field, the pattern reads every format and the last field
        holds the file name with its suffix, while ``"{province}/{year}/{name}.txt"``
        reads only ``.txt`` files; ``**/`` matches any number of folders, as in
        ``"{province}/{year}/**/{name}"``), or a regular expression with named groups
        (``(?P<year>\\d{4})/.*``). Suffixes are matched in any case (``.TXT``). A file
        whose path does not match is rejected, with the pattern that would read it when
        only its suffix or its folders differ. A pattern that is malformed (a brace
        outside a field, as in ``"{province/{year}"``, a field that is not a name, a field
        named twice, no field, a regular expression that does not compile) is an error
        naming ``docvars_from`` and the problem, raised before any file is read.
    include, exclude : list of str, optional
        Folders: glob patterns on the relative path (``**`` matches any number of folders,
        ``*`` anything within one; a suffix matches in any case). Default include :data:`DEFAULT_INCLUDE`
        (``["**/*.txt", "**/*.html", "**/*.htm", "**/*.xhtml", "**/*.docx",
        "**/*.pdf"]``); no exclude. A file matching an ``exclude`` pattern or no
        ``include`` pattern is not read, and neither are hidden files and folders, the
        lock files Office keeps beside an open document (``~$name.docx``), links to
        folders, link loops, dangling links, links leaving the folder and special files
        (FIFOs, sockets, devices; never opened): each is a report row with
        ``status="skipped"``, its kind (``"excluded"``, ``"not_included"``,
        ``"office_lock"``, ``"hidden"`` …) and reason. Each file is read by the extractor of its suffix (:func:`textkit.corpus.extract.extract_text`);
        a file matching ``include`` whose type is not read is rejected as
        ``unsupported_type``, and so are old Word (``.doc``), RTF and OpenDocument files
        even when ``include`` does not match them (save them as ``.docx``).
    encoding : str, optional
        CSV, TSV, JSON lines, and text and HTML files of a folder: the encoding of the bytes
        (decoded strictly; refused for workbooks and parquet files, which record their
        own). Default: detected by :func:`textkit.corpus.ingest.decode_bytes` (for HTML, a
        ``<meta charset>`` breaks a tie between candidate encodings).
    title : str, optional
        Tables: the column holding each document's title (default: the first column
        named in :data:`textkit.corpus.read_table.TITLE_NAMES` — ``title`` or
        ``headline`` in any case, ``标题``, ``题目``, ``题名``, ``篇名``, ``文章标题`` —
        that is not the text or id column nor listed in ``meta``, said in the log and in
        the report's ``repairs``; else no titles). The annotation stage reads titles (the
        genre is detected from them), so name one when the table has it. Date columns
        are not guessed: name them in ``dates``.
    sheet : str, optional
        Workbooks (``.xlsx``, ``.xls``): the name of the sheet to read (default: the first
        sheet). In the sheet, the header is the first row naming the text column among rows
        1 to ``MAX_TITLE_ROWS + 1`` (:data:`textkit.corpus.workbook.MAX_TITLE_ROWS`): title
        rows above a table are skipped. A cell merged down over several rows gives its value
        to each of them (:mod:`textkit.corpus.workbook`). Both are said in the report's
        ``repairs``.
    dates : str or list of str, optional
        Document variables holding dates (a publication date ``发布时间``), read as
        ``datetime64[us]`` columns by :func:`textkit.core.dates.parse_dates`: the forms
        Chinese sites write (``2019年3月5日``, ``2019年3月``, ``2019/03/05``,
        ``2019-3-5 10:22``, ``2019.3.5``, ``2019.3``, ``20190305``; full-width digits too;
        after a label such as ``发布时间：``, with a weekday such as ``星期二``), so that
        :func:`textkit.frames.groups.frame_groups` (``freq="Y"``) and ``[analysis] trend``
        can trace them over time. A workbook's number cell is read as the text it shows
        (``2019.3``, March 2019): Excel keeps ``2019.10`` typed into a number cell as
        ``2019.1``, which reads as January, so give such a column text cells. A value that
        is not a date is left missing and said in the ``reason`` of its row of the report
        (the row is read). Each name must be a document variable (a table column, added to
        ``meta`` when it is not listed there; a folder's ``docvars_from`` field or
        ``metadata`` column).
    metadata : path-like, optional
        Folders: a table (``.csv``, ``.tsv``, ``.xlsx``, ``.xls``, ``.jsonl``,
        ``.parquet``; read like a table input, CSV and TSV decoded by the same detection,
        a workbook's first sheet) with one row per file: a column naming the file (see
        ``metadata_key``) by its path relative to the folder, written with ``/``
        (``浙江/2019/报告.docx``; ``\\`` is read as ``/``), and any other columns, which
        become document variables of the documents read from that file (every article a
        build splits from it carries them; name date columns in ``dates``). An empty cell
        is a missing value, and so are the variables of a file read without a row (each
        such file is noted in the ``reason`` of its report row and logged). A row naming a
        file that is not in the folder (a path written wrong) gives a ``UserWarning``
        naming the first such rows; a row naming a file that was rejected or skipped is
        logged. :attr:`ReadResult.metadata` counts and lists the rows joined to no document
        and the files without a row, and a corpus build reports it. A column named like a ``docvars_from`` field is an error
        naming both (rename one: a variable comes from the path or from the table), and
        so is a column named like a textkit column (:data:`RESERVED_NAMES`). Read before
        the folder: a relative path is relative to the working directory.
    metadata_key : str, optional
        The column of ``metadata`` naming the files (default
        :data:`textkit.corpus.read_metadata.METADATA_KEY`, ``"file"``).

    Returns
    -------
    ReadResult

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    InvalidParameterError
        For a file type that is not read, an option that does not apply to the input
        (``text``, ``meta`` and ``id`` are for tables; ``docvars_from``, ``include``,
        ``exclude``, ``metadata`` and ``metadata_key`` for folders), a column that does not
        exist (the message lists the columns; for ``metadata``, a table without its key
        column), a ``dates`` name that is not a document variable, a document variable
        named like a textkit column
        (:data:`RESERVED_NAMES`; rename it, or leave it out of ``meta``), or a ``metadata``
        column named like a ``docvars_from`` field.
    CorpusError
        If a table cannot be parsed or holds duplicate ids (naming the file and the rows
        as it shows them: rows of the sheet, lines of a CSV),
        if nothing could be read (every row empty, or no readable file in a folder), for
        a workbook that is damaged or too large (an ``.xls`` file over
        :data:`textkit.corpus.workbook.MAX_XLS_BYTES`, 256 MiB, is not opened), or for a
        ``metadata`` table that cannot be read or names a file on two rows, or has a row
        with values but no file (naming the table and the rows).

    Notes
    -----
    Document variables are typed: a variable named in ``dates`` is a date column, a
    variable whose values all look like integers (no leading zeros; missing values
    allowed) or years written 2021年 or in Chinese digits (二〇二一, 二零二一年: read as
    2021) becomes a nullable integer column, every other variable a string column
    (missing values stay missing).

    Reserved names (:data:`RESERVED_NAMES`): a document variable may not be called
    ``doc_id``, ``text``, ``source``, ``row``, ``extractor``, ``encoding``, ``page_id``,
    ``source_file``, ``ordinal``, ``title``, ``text_raw``, ``n_chars``, ``clean_log``,
    ``damage_ratio``, ``status``, ``flag_reason``, ``is_duplicate``, ``dup_group``,
    ``dup_of``, ``similarity``, nor ``<name>_detected`` for a name the annotation stage
    writes. A table's ``title`` column is the documents' title (see ``title``), not a
    variable. Those names (:data:`ANNOTATED_COLUMNS`: ``genre``, ``year``, ``years``,
    ``era_cues``, ``era``, ``keywords``, ``relevance``, ``is_relevant``) are free: a corpus
    build never overwrites the researcher's column and writes its own as
    ``<name>_detected``. The text and id columns may have any name (``text="doc_id"`` is
    fine): they are not document variables.

    Examples
    --------
    >>> texts = read_texts("letters.csv", text="content", id="letter_id")  # doctest: +SKIP
    >>> texts = read_texts("raw", docvars_from="{province}/{year}/{name}")  # doctest: +SKIP
    >>> texts = read_texts("reports", include=["**/*.pdf", "**/*.docx"])  # doctest: +SKIP
    >>> texts = read_texts("news.csv", text="正文", dates="发布时间")  # doctest: +SKIP
    >>> texts = read_texts(
    ...     "corpus/raw", docvars_from="{province}/{year}/{name}",
    ...     metadata="metadata.csv", dates="发布日期",
    ... )  # doctest: +SKIP
    >>> build = textkit.build_corpus(texts)  # doctest: +SKIP
    """
    dates = _column_names("dates", dates) or None
    meta = _meta_with_dates(_column_names("meta", meta), dates)
    options = _given_options(
        text=text,
        meta=meta,
        id=id,
        docvars_from=docvars_from,
        include=include,
        exclude=exclude,
        encoding=encoding,
        title=title,
        sheet=sheet,
        dates=dates,
        metadata=None if metadata is None else os.fspath(metadata),
        metadata_key=metadata_key,
    )
    folder = (docvars_from, include, exclude, metadata, metadata_key)
    read = _read_texts(path, text, meta, id, folder, encoding, title, sheet)
    return replace(_with_dates(read, dates), options=options)


def _read_texts(path, text, meta, id, folder, encoding, title, sheet):  # noqa: A002
    """The table or folder at ``path`` read; ``folder`` holds the folder options
    (``docvars_from``, ``include``, ``exclude``, ``metadata``, ``metadata_key``)."""
    docvars_from, include, exclude, metadata, metadata_key = folder
    p = Path(path)
    if encoding is not None:
        check_str("encoding", encoding)
    if p.is_dir():
        for name, value in (
            ("text", text),
            ("meta", meta),
            ("id", id),
            ("title", title),
            ("sheet", sheet),
        ):
            if value is not None:
                raise InvalidParameterError(f"{name}: applies to tables, not to a folder ({p})")
        if metadata is None:
            if metadata_key is not None:
                raise InvalidParameterError("metadata_key: names a column of metadata, not given")
            return _read_folder(p, docvars_from, include, exclude, encoding, str(path))
        # the table is read and checked before the folder: a bad one fails at once
        sidecar = _load_metadata(metadata, metadata_key)
        fields = list(_docvars_regex(docvars_from).groupindex) if docvars_from else []
        _check_clash(sidecar, fields, docvars_from)
        read = _read_folder(p, docvars_from, include, exclude, encoding, str(path))
        return _join_metadata(read, sidecar)
    if not p.exists():
        raise FileNotFoundError(f"no such file or folder: {p}")
    _check_regular_file(p)
    for name, value in (
        ("docvars_from", docvars_from),
        ("include", include),
        ("exclude", exclude),
        ("metadata", metadata),
        ("metadata_key", metadata_key),
    ):
        if value is not None:
            raise InvalidParameterError(f"{name}: applies to folders, not to a table ({p})")
    extractor = _table_extractor(p, encoding, sheet)
    return _read_table(p, extractor, text, meta, id, encoding, str(path), title, sheet)
