"""Read a researcher's table in batches of rows, in bounded memory.

:func:`iter_texts` is :func:`textkit.corpus.read.read_texts` for a table too large to hold:
it returns a :class:`TextBatches`, an iterable of :class:`~textkit.corpus.read.ReadResult`
batches of at most ``batch_size`` rows each, whose documents and reports, put together,
are what ``read_texts`` returns for the same table (same columns, ids, row numbers,
document variable types and rejections).

Each format is read piece by piece: CSV and TSV through ``pandas.read_csv(chunksize=...)``
on a text stream decoded strictly as they arrive, JSON lines line by line, parquet files
by record batches (pyarrow), ``.xlsx`` workbooks row by row (openpyxl's read-only mode).
An Excel 97-2003 workbook (``.xls``) is the exception: xlrd reads the whole file and the
sheet read into memory (a file over :data:`textkit.corpus.workbook.MAX_XLS_BYTES` is
refused), and the batches are cut from it.

The table is read twice: a first pass checks it (columns, ids unique, at least one text)
and decides the types of the document variables, and every iteration reads it again.
Memory holds one batch of rows, plus the ids seen (to find duplicate ids across batches)
when the table has an id column.
"""

from __future__ import annotations

import codecs
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from textkit.core.checks import check_int, check_str
from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.core.io import sha256_file
from textkit.corpus.decode import _BOMS, decode_bytes
from textkit.corpus.read_result import (
    ReadResult,
    _cell_str,
    _check_dates,
    _column_names,
    _given_options,
    _ingest_config,
    _int_like,
    _meta_with_dates,
    _with_dates,
)
from textkit.corpus.read_table import (
    _WORKBOOKS,
    _check_header,
    _check_regular_file,
    _check_text_type,
    _csv_header,
    _default_ids,
    _empty_reason,
    _has_text,
    _id_str,
    _json_records,
    _no_text,
    _raise_duplicate_ids,
    _rejected_names,
    _RowNames,
    _table_columns,
    _table_extractor,
    _table_parts,
    _title_note,
    _with_note,
)
from textkit.corpus.workbook import _check_xls_size, sheet_layout, sheet_rows

logger = logging.getLogger(__name__)

__all__ = ["TextBatches", "iter_texts"]

#: Bytes of a CSV, TSV or JSON lines file its encoding is detected on; a file no larger is
#: decoded exactly as :func:`~textkit.corpus.read.read_texts` decodes it.
DETECT_BYTES = 1 << 20

_BLOCK = 1 << 20  # bytes decoded at a time


class _Decoded:
    """A text stream of a file decoded strictly, with ``"\\n"`` newlines and no U+FEFF
    inside the text (what :func:`textkit.corpus.ingest.decode_bytes` gives for the whole
    file), read block by block."""

    def __init__(self, path: Path, codec: str, limit: int) -> None:
        self._fh = open(path, "rb")  # noqa: SIM115 - closed at the end of the stream
        self._codec = codec
        self._dec = codecs.getincrementaldecoder(codec)(errors="strict")
        self._left = limit
        self._offset = 0
        self._buf = ""
        self._cr = False
        self._done = False
        self.n_bom = 0

    def _fill(self) -> None:
        raw = self._fh.read(min(_BLOCK, self._left))
        self._left -= len(raw)
        final = not raw or self._left <= 0
        try:
            text = self._dec.decode(raw, final=final)
        except UnicodeDecodeError as exc:
            self.close()
            raise CorpusError(
                f"{Path(self._fh.name).name}: cannot decode the table: bad bytes near byte "
                f"offset {self._offset + max(exc.start, 0)} for {self._codec}, the encoding "
                f"detected on its first {DETECT_BYTES} bytes ({exc.reason}); "
                "name the encoding with encoding=..."
            ) from exc
        self._offset += len(raw)
        if self._cr:
            text = "\r" + text
            self._cr = False
        if not final and text.endswith("\r"):
            text, self._cr = text[:-1], True
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        n = text.count("\ufeff")
        if n:
            self.n_bom += n
            text = text.replace("\ufeff", "")
        self._buf += text
        if final:
            self._done = True
            self.close()

    def read(self, size: int = -1) -> str:
        """Up to ``size`` characters (all the rest when negative); ``""`` at the end."""
        while not self._done and (size < 0 or len(self._buf) < size):
            self._fill()
        if size < 0:
            out, self._buf = self._buf, ""
        else:
            out, self._buf = self._buf[:size], self._buf[size:]
        return out

    def lines(self) -> Iterator[str]:
        """The lines, split on ``"\\n"`` only (as ``text.split("\\n")``)."""
        while True:
            cut = self._buf.find("\n")
            if cut >= 0:
                line, self._buf = self._buf[:cut], self._buf[cut + 1 :]
                yield line
            elif self._done:
                line, self._buf = self._buf, ""
                yield line
                return
            else:
                self._fill()

    def __iter__(self) -> Iterator[str]:
        return (line + "\n" for line in self.lines())

    def close(self) -> None:
        self._fh.close()


class _Source:
    """Where the characters of a CSV, TSV or JSON lines file come from: the decoded text
    when the file is small, else the file, decoded as it is read."""

    def __init__(self, p: Path, encoding: str | None) -> None:
        self.p = p
        size = p.stat().st_size
        self.text: str | None = None
        if size <= DETECT_BYTES:
            res = decode_bytes(p.read_bytes(), p.name, _ingest_config(encoding))
            if not res.ok:
                raise CorpusError(f"{p.name}: cannot decode the table: {res.reason}")
            self.text, self.encoding, self.repairs = res.text, res.encoding, list(res.repairs)
            self.codec, self.limit = "", size
            return
        with open(p, "rb") as fh:
            head = fh.read(DETECT_BYTES)
        bom = next((b for b in _BOMS if head.startswith(b[0])), None)
        if bom is not None:
            self.codec, self.encoding, self.repairs = (
                bom[2],
                bom[1],
                [f"{bom[1]} byte-order mark removed"],
            )
        else:
            cut = head.rfind(b"\n")
            res = decode_bytes(
                head[: cut + 1] if cut > 0 else head, p.name, _ingest_config(encoding)
            )
            if not res.ok:
                raise CorpusError(f"{p.name}: cannot decode the table: {res.reason}")
            self.codec, self.encoding = res.encoding, res.encoding
            # repairs of the whole file: no truncation at the cut, marks counted below
            self.repairs = [
                r
                for r in res.repairs
                if "incomplete trailing byte" not in r and "(U+FEFF) inside the text" not in r
            ]
        self.limit = size
        # one pass over the bytes: strictly decodable to the end, byte-order marks inside
        stream = _Decoded(p, self.codec, size)
        for _ in iter(lambda: stream.read(_BLOCK), ""):
            pass
        if stream.n_bom:
            self.repairs.append(
                f"removed {stream.n_bom} byte-order mark(s) (U+FEFF) inside the text"
            )

    def open(self) -> Any:
        """A fresh text stream of the whole file."""
        if self.text is not None:
            import io

            return io.StringIO(self.text)
        return _Decoded(self.p, self.codec, self.limit)

    def lines(self) -> Iterator[str]:
        """The file's lines (split on ``"\\n"``)."""
        if self.text is not None:
            yield from self.text.split("\n")
        else:
            yield from self.open().lines()


class TextBatches:
    """A table read in batches: iterate to get :class:`~textkit.corpus.read.ReadResult`
    batches of at most :attr:`batch_size` rows (each iteration reads the file again).

    Made by :func:`iter_texts`, which checks the whole table first.

    Attributes
    ----------
    path : str
        The table as given.
    extractor : str
        ``"csv"``, ``"tsv"``, ``"xlsx"``, ``"xls"``, ``"jsonl"`` or ``"parquet"``.
    docvars : tuple of str
        The document variables, in order.
    n_rows : int
        Data rows of the table (every row is in one batch's report).
    n_read, n_rejected : int
        Rows read as documents and rows rejected (empty text).
    batch_size : int
    encoding, repairs, sha256 : str
        The table's encoding (``""`` for parquet and workbooks), the repairs its decoding
        made and the sha256 of its bytes, as in every batch's report.
    n_bytes : int
    options : dict
        The options given to :func:`iter_texts` (``None`` values left out; as
        :attr:`ReadResult.options <textkit.corpus.read.ReadResult>`).
    kind : str
        ``"table"``.
    """

    kind = "table"

    def __init__(
        self,
        p: Path,
        given: str,
        extractor: str,
        columns: tuple[str | None, str | None, str | None, list[str]],
        encoding: str | None,
        batch_size: int,
        options: dict,
        sheet: str | None = None,
        dates: list[str] | None = None,
    ) -> None:
        self._p = p
        self._dates = dates
        self.path = given
        self.extractor = extractor
        self._text, self._id, self._title, meta = columns
        self.docvars = tuple(meta)
        self.batch_size = batch_size
        self.options = options
        if extractor == "xls":
            _check_xls_size(p, p.stat().st_size)  # before its bytes are read
        self.sha256 = sha256_file(p)
        self.n_bytes = p.stat().st_size
        self._source = _Source(p, encoding) if extractor in ("csv", "tsv", "jsonl") else None
        self.encoding = self._source.encoding if self._source else ""
        self.repairs = "; ".join(self._source.repairs) if self._source else ""
        # a workbook's table: its sheet, header row and merged cells (found once)
        self._layout = (
            sheet_layout(p, str(p), sheet, self._text) if extractor in _WORKBOOKS else None
        )
        if self._layout is not None:
            self.repairs = self._layout.repairs()
        self._beyond: dict[str, int] = {}
        # how messages name the rows (as the file shows them), and the rows not read
        if self._layout is not None:
            self._row_names = _RowNames(extractor, layout=self._layout)
        elif self._source is not None:
            opener = self._source.lines if extractor == "jsonl" else self._source.open
            self._row_names = _RowNames(extractor, lines=opener)
        else:
            self._row_names = _RowNames(extractor)
        self._where: dict[int, str] = {}
        self._title_note = ""
        self._int_columns: set[str] = set()
        self._column_names: list[str] | None = None
        self.n_rows = self.n_read = self.n_rejected = 0

    # -- raw cells -----------------------------------------------------------------

    def _columns(self) -> list[str]:
        """The table's column names, read without its rows (one pass for JSON lines)."""
        ext = self.extractor
        if ext in ("csv", "tsv"):
            _check_header(self._p, _csv_header(self._source.open(), self._sep))
            try:
                head = pd.read_csv(
                    self._source.open(), sep=self._sep, dtype=str, keep_default_na=False, nrows=0
                )
            except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
                raise CorpusError(f"{self._p.name}: cannot parse the {ext.upper()}: {exc}") from exc
            return [str(c) for c in head.columns]
        if ext == "jsonl":
            columns: dict[str, None] = {}
            for rec in self._records():
                columns.update(dict.fromkeys(rec))
            return [str(c) for c in columns]
        if ext == "parquet":
            return [str(c) for c in self._parquet().schema_arrow.empty_table().to_pandas().columns]
        _check_header(self._p, list(self._layout.header))
        return list(self._layout.columns)

    @property
    def _sep(self) -> str:
        return "\t" if self.extractor == "tsv" else ","

    def _records(self) -> Iterator[dict]:
        return _json_records(self._source.lines(), self._p.name)

    def _parquet(self) -> Any:
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(str(self._p))
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise CorpusError(f"{self._p.name}: cannot read the parquet file: {exc}") from exc

    def _frames(self, columns: list[str]) -> Iterator[pd.DataFrame]:
        """The raw cells in frames of at most ``batch_size`` rows, columns named as in
        ``read_texts``."""
        size, ext = self.batch_size, self.extractor
        if ext in ("csv", "tsv"):
            try:
                with pd.read_csv(
                    self._source.open(),
                    sep=self._sep,
                    dtype=str,
                    keep_default_na=False,
                    chunksize=size,
                ) as reader:
                    for frame in reader:
                        frame.columns = [str(c) for c in frame.columns]
                        yield frame
            except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
                raise CorpusError(f"{self._p.name}: cannot parse the {ext.upper()}: {exc}") from exc
        elif ext == "jsonl":
            batch: list[dict] = []
            for rec in self._records():
                batch.append(rec)
                if len(batch) >= size:
                    yield pd.DataFrame.from_records(batch, columns=columns)
                    batch = []
            if batch:
                yield pd.DataFrame.from_records(batch, columns=columns)
        elif ext == "parquet":
            for rb in self._parquet().iter_batches(batch_size=size):
                frame = rb.to_pandas()
                frame.columns = [str(c) for c in frame.columns]
                yield frame
        else:
            yield from self._workbook_frames(columns)

    def _workbook_frames(self, columns: list[str]) -> Iterator[pd.DataFrame]:
        """The rows of a workbook's table (:func:`textkit.corpus.workbook.sheet_rows`) in
        frames of at most ``batch_size`` rows."""
        rows: list[list[Any]] = []
        self._beyond = {}  # what this pass finds right of the header
        for cells in sheet_rows(self._p, str(self._p), self._layout, self._beyond):
            rows.append(cells)
            if len(rows) >= self.batch_size:
                yield pd.DataFrame(rows, columns=columns, dtype=object)
                rows = []
        if rows:
            yield pd.DataFrame(rows, columns=columns, dtype=object)

    # -- passes --------------------------------------------------------------------

    def _check(self, meta: list[str] | tuple[str, ...] | None) -> None:
        """The first pass: columns, ids, texts and the types of the document variables."""
        p = self._p
        given_title = self._title
        cols = _table_columns(p, self._all_columns, self._text, meta, self._id, self._title)
        self._text, self._id, self._title, meta = cols
        self._title_note = _title_note(given_title, self._title)
        if self._title_note:
            logger.info("%s: %s", p.name, self._title_note)
        _check_dates(self._dates, meta, self.path)
        if self.extractor == "parquet":
            _check_text_type(p, self._text, self._parquet().schema_arrow)
        self.docvars = tuple(meta)
        ints: dict[str, bool | None] = dict.fromkeys(meta)
        seen: dict[str, int] = {}
        dups: dict[str, list[int]] = {}
        blank_ids: list[int] = []
        rejected: dict[int, str | None] = {}  # data row -> its text cell
        row = 0
        for frame in self._frames(self._all_columns):
            n = len(frame)
            rows = list(range(row + 1, row + n + 1))
            row += n
            cells = [_cell_str(v) for v in frame[self._text].tolist()]
            ok = [_has_text(c) for c in cells]
            rejected.update((r, c) for r, k, c in zip(rows, ok, cells, strict=True) if not k)
            self.n_read += sum(ok)
            if self._id is not None:
                for r, i, k in zip(rows, map(_id_str, frame[self._id].tolist()), ok, strict=True):
                    if not k:
                        continue  # a row without text is rejected whatever its id
                    if not i:
                        blank_ids.append(r)
                    elif i in seen:
                        dups.setdefault(i, [seen[i]]).append(r)
                    else:
                        seen[i] = r
            for m in meta:
                if ints[m] is False:
                    continue
                cells = [_cell_str(v) for v, k in zip(frame[m].tolist(), ok, strict=True) if k]
                here = _int_like(cells)
                if here is not None:
                    ints[m] = here
        self.n_rows = row
        self.n_rejected = row - self.n_read
        if self._layout is not None:  # said by every batch's report, as read_texts says it
            self.repairs = self._layout.repairs(self._beyond)
        self.repairs = _with_note(self.repairs, self._title_note)
        # the rows not read, named as the file shows them (one more pass over a text file)
        rows, cells = list(rejected), list(rejected.values())
        column = self._all_columns.index(self._text)
        self._where = _rejected_names(
            p, p, self._row_names, column, rows, [False] * len(rows), cells
        )
        for r, c in rejected.items():
            logger.warning("%s: rejected %s", p.name, _empty_reason(self._where[r], c))
        if blank_ids:
            raise CorpusError(
                f"{p.name}: empty id in column {self._id!r} at {self._row_names.many(blank_ids)}"
            )
        _raise_duplicate_ids(p, self._id or "", dups, self._row_names)
        if not self.n_read:
            raise CorpusError(f"{p.name}: no document read: {_no_text(row)}")
        self._int_columns = {m for m, v in ints.items() if v}

    @property
    def _all_columns(self) -> list[str]:
        if self._column_names is None:
            self._column_names = self._columns()
        return self._column_names

    def __iter__(self) -> Iterator[ReadResult]:
        p = self._p
        file = (self.sha256, self.n_bytes, self.encoding, self.repairs)
        row = 0
        for frame in self._frames(self._all_columns):
            rows = list(range(row + 1, row + len(frame) + 1))
            row += len(frame)
            texts = [_cell_str(v) for v in frame[self._text].tolist()]
            if self._id is None:
                ids = _default_ids(p, rows, self.n_rows)
            else:
                ids = [_id_str(v) for v in frame[self._id].tolist()]
            docs, report = _table_parts(
                p,
                self.extractor,
                rows,
                ids,
                texts,
                frame[self._title].tolist() if self._title else None,
                {m: frame[m].tolist() for m in self.docvars},
                self._int_columns,
                file,
                self._where,
            )
            batch = ReadResult(docs, report, "table", self.docvars, self.path, dict(self.options))
            yield _with_dates(batch, self._dates)
        if row != self.n_rows:
            raise CorpusError(f"{p.name}: the table changed while it was read ({row} rows)")

    def __repr__(self) -> str:
        return (
            f"TextBatches(path={self.path!r}, n_rows={self.n_rows}, batch_size={self.batch_size})"
        )


def iter_texts(
    path: str | os.PathLike,
    *,
    text: str | None = None,
    meta: str | list[str] | tuple[str, ...] | None = None,
    id: str | None = None,  # noqa: A002 - the column naming the documents' ids
    title: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    dates: str | list[str] | tuple[str, ...] | None = None,
    batch_size: int = 1000,
) -> TextBatches:
    """Read a table in batches of rows, in bounded memory: :func:`read_texts` for tables.

    The table is checked at once (columns, duplicate or empty ids, at least one text); the
    rows are read when the result is iterated.

    Parameters
    ----------
    path : path-like
        A table file (``.csv``, ``.tsv``, ``.xlsx``, ``.xls``, ``.jsonl``, ``.parquet``).
    text, meta, id, title, encoding, sheet, dates : optional
        As in :func:`textkit.corpus.read.read_texts`.
    batch_size : int, default 1000
        Rows per batch (the last batch may hold fewer).

    Returns
    -------
    TextBatches
        Iterable of :class:`~textkit.corpus.read.ReadResult` batches: their documents
        concatenated are ``read_texts(path, ...).documents`` and their reports concatenated
        its report (same ids, row numbers, document variables and types, rejections).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    InvalidParameterError
        As :func:`read_texts`, for a folder, and for an invalid ``batch_size``.
    CorpusError
        As :func:`read_texts` (a table that cannot be decoded or parsed, duplicate ids
        across the whole table naming their rows, no text at all).

    Notes
    -----
    The types of the document variables are decided on the whole table in the first pass,
    with the rule of :func:`read_texts` (integers when every present value of the rows read
    looks like one). CSV, TSV and JSON lines files up to :data:`DETECT_BYTES` bytes are
    decoded exactly as ``read_texts`` decodes them; for a larger file the encoding is
    detected (by :func:`textkit.corpus.ingest.decode_bytes`) on its first
    :data:`DETECT_BYTES` bytes, and the whole file must then decode strictly in it: if it
    does not, the error names the offset and asks for ``encoding=...``. Such a file whose
    last character is cut off is refused too (``read_texts`` drops the incomplete bytes).

    Memory holds one batch of rows, plus, with an ``id`` column, the ids seen; but an Excel
    97-2003 workbook (``.xls``) is read whole into memory by xlrd, file and sheet, at each
    pass (a file over :data:`textkit.corpus.workbook.MAX_XLS_BYTES`, 256 MiB, is refused):
    save a large one as ``.xlsx`` or CSV to read it in bounded memory.

    Examples
    --------
    >>> for batch in iter_texts("letters.csv", id="letter_id", batch_size=500):  # doctest: +SKIP
    ...     print(len(batch.documents))
    """
    p = Path(path)
    check_int("batch_size", batch_size, 1)
    if encoding is not None:
        check_str("encoding", encoding)
    if p.is_dir():
        raise InvalidParameterError(
            f"path: iter_texts reads a table, not a folder ({p}); use read_texts for a folder"
        )
    if not p.exists():
        raise FileNotFoundError(f"no such file or folder: {p}")
    _check_regular_file(p)
    extractor = _table_extractor(p, encoding, sheet)
    dates = _column_names("dates", dates) or None
    meta = _meta_with_dates(_column_names("meta", meta), dates)
    options = _given_options(
        text=text, meta=meta, id=id, encoding=encoding, title=title, sheet=sheet, dates=dates
    )
    batches = TextBatches(
        p, str(path), extractor, (text, id, title, []), encoding, batch_size, options, sheet,
        dates,
    )  # fmt: skip
    batches._check(meta)
    return batches
