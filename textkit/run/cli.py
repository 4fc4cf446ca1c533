"""The ``textkit`` command: a thin layer over :mod:`textkit.run.pipeline`.

Subcommands::

    textkit corpus build [--raw DIR] [--out DIR]   build the article table and its report
                  [--stream [--batch-pages N] [--memory-budget-mb MB]]
                                                   (streamed: bounded memory, same files; the
                                                   corpus [corpus] names: raw pages, an input
                                                   table or an input folder of files)
    textkit corpus build --input PATH [--out DIR]  the same from a table or a folder of texts
                  [--text-column C] [--meta C ...] [--id-column C] [--title-column C]
                  [--docvars-from PATTERN] [--metadata FILE [--metadata-key C]]
                  [--include GLOB ...] [--exclude GLOB ...]
                  [--dates C ...]
                  [--stream [--batch-rows N | --batch-pages N] [--memory-budget-mb MB]]
                                                   (streamed: bounded memory; a table by rows,
                                                   a folder by files)
    textkit notebooks [--only 03]                  execute the notebooks (writes figures; a
                                                   failing one leaves every output as it was)
    textkit figures                                same as ``notebooks``: figures come from them
    textkit reproduce [--jobs 2] [--force]         corpus -> notebooks -> figures (reuses
                                                   notebooks whose inputs did not change)
    textkit verify [--jobs 2] [--keep]             regenerate everything in a scratch folder and
                                                   compare with the committed outputs at the
                                                   stated precision (exit 1 on a difference)
    textkit config                                 show the settings, corpus and config hashes
    textkit example-table PATH [--docs N] [--seed S]  write the generated example table (CSV)
    textkit --version                              print the version

Options before the subcommand: ``--config FILE``, ``-q`` (warnings and errors only), ``-v``
(also textkit's debug log: the cell and traceback of a failed notebook).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="textkit",
        description="Text mining of Chinese governance discourse (see README.md).",
    )
    from textkit import __version__

    p.add_argument("--version", action="version", version=f"textkit {__version__}")
    p.add_argument(
        "--config", type=Path, default=None, help="textkit.toml to use (default: the project's)"
    )
    loud = p.add_mutually_exclusive_group()
    loud.add_argument(
        "-q", "--quiet", action="store_true", help="only warnings and errors, no progress bars"
    )
    loud.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also textkit's debug log (the full traceback of a failed notebook)",
    )
    sub = p.add_subparsers(dest="command", required=True)

    corpus = sub.add_parser("corpus", help="corpus stage commands")
    csub = corpus.add_subparsers(dest="corpus_command", required=True)
    build = csub.add_parser("build", help="build the article table from raw pages, with a report")
    build.add_argument(
        "--raw", type=Path, default=None, help="raw pages directory (default corpus/raw)"
    )
    build.add_argument(
        "--out", type=Path, default=None, help="output directory (default corpus/processed)"
    )
    build.add_argument(
        "--input",
        type=Path,
        default=None,
        metavar="PATH",
        help="a table (.csv .tsv .xlsx .xls .jsonl .parquet: one row, one document) or a "
        "folder of .txt .html .htm .xhtml .docx .pdf files, read by textkit.read_texts instead "
        "of the raw pages",
    )
    build.add_argument(
        "--text-column", default=None, metavar="C", help="table column of the text (default text)"
    )
    build.add_argument(
        "--meta",
        nargs="+",
        default=None,
        metavar="C",
        help="table columns kept as document variables (default every other column)",
    )
    build.add_argument(
        "--id-column", default=None, metavar="C", help="table column of the document ids"
    )
    build.add_argument(
        "--title-column",
        default=None,
        metavar="C",
        help="table column of the document titles (default title, if there is one)",
    )
    build.add_argument(
        "--docvars-from",
        default=None,
        metavar="PATTERN",
        help='folder: document variables from the path, e.g. "{province}/{year}/{name}" (every format)',
    )
    build.add_argument(
        "--metadata",
        default=None,
        metavar="FILE",
        help="folder: a table with a row per file (column file: its path in the folder) "
        "whose other columns become document variables",
    )
    build.add_argument(
        "--metadata-key",
        default=None,
        metavar="C",
        help="folder: the column of --metadata naming the files (default file)",
    )
    build.add_argument(
        "--include", nargs="+", default=None, metavar="GLOB", help="folder: files read"
    )
    build.add_argument(
        "--exclude", nargs="+", default=None, metavar="GLOB", help="folder: files left out"
    )
    build.add_argument(
        "--encoding", default=None, help="encoding of the input's bytes (default detected)"
    )
    build.add_argument(
        "--sheet", default=None, help="workbook: the sheet read (default: the first sheet)"
    )
    build.add_argument(
        "--dates",
        nargs="+",
        default=None,
        metavar="C",
        help="document variables read as dates (2019年3月5日, 2019/03/05, 2019-3-5 10:22 ...)",
    )
    build.add_argument(
        "--stream",
        action="store_true",
        help="read the raw pages, or the --input or [corpus] input table or folder of files "
        "(Word, PDF, HTML, text), in batches so memory stays bounded (writes the same files)",
    )
    build.add_argument(
        "--batch-pages",
        type=int,
        default=50,
        metavar="N",
        help="raw files, or files of an input folder, per batch with --stream (default 50; "
        "does not change the output)",
    )
    build.add_argument(
        "--batch-rows",
        type=int,
        default=1000,
        metavar="N",
        help="table rows per batch with --input TABLE --stream (default 1000; does not "
        "change the output)",
    )
    build.add_argument(
        "--memory-budget-mb",
        type=float,
        default=512,
        metavar="MB",
        help="with --stream: the batches are held in memory up to this many MB, beyond it "
        "written to a temporary file (default 512; 0: always written; does not change the "
        "output)",
    )

    for name, help_ in (
        ("notebooks", "execute the analysis notebooks headless (they write the figures)"),
        ("figures", "regenerate all figures by executing the notebooks"),
    ):
        nb = sub.add_parser(name, help=help_)
        nb.add_argument("--only", nargs="*", default=(), help="notebook name prefixes, e.g. 03 05")

    rep = sub.add_parser(
        "reproduce", help="rebuild everything from corpus/raw: tables, notebooks, figures"
    )
    rep.add_argument("--no-notebooks", action="store_true", help="rebuild the corpus only")
    rep.add_argument("--only", nargs="*", default=(), help="notebook name prefixes to run")
    rep.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="notebooks executed at once, -1 for one per core (outputs do not change)",
    )
    rep.add_argument(
        "--force", action="store_true", help="execute notebooks even when they are up to date"
    )

    ver = sub.add_parser(
        "verify",
        help="regenerate every output in a scratch folder and compare it with the committed "
        "one at the stated precision (exit 1 on a difference)",
    )
    ver.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="notebooks executed at once, -1 for one per core (outputs do not change)",
    )
    ver.add_argument("--keep", action="store_true", help="keep the scratch folder")

    sub.add_parser("config", help="show the configuration and the run's provenance hashes")

    ex = sub.add_parser(
        "example-table",
        help="write a generated table of policy documents with a known province and year "
        "effect (textkit.corpus.example)",
    )
    ex.add_argument("path", type=Path, help="CSV file to write")
    ex.add_argument("--docs", type=int, default=120, help="documents generated (default 120)")
    ex.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return p


def _check_out(source: Path, out: Path, args: argparse.Namespace) -> None:
    """Refuse, before anything is read or written, an output folder that is, is inside or
    holds the input (``--out`` or ``[corpus] out_dir`` named)."""
    from textkit.core.paths import check_output_outside_input

    if source.exists():
        what = "--out" if args.out is not None else "[corpus] out_dir"
        check_output_outside_input(source, out, what=what)


#: The options of ``--input`` that apply to a folder, with their ``read_texts`` names.
_FOLDER_FLAGS = (
    ("--docvars-from", "docvars_from"),
    ("--include", "include"),
    ("--exclude", "exclude"),
    ("--metadata", "metadata"),
    ("--metadata-key", "metadata_key"),
)


def _build_from_input(args: argparse.Namespace, config, out: Path) -> int:
    """``textkit corpus build --input PATH``: read_texts, build, write; prints the paths.
    With ``--stream`` a table is built in batches of rows, a folder in batches of files
    (build_corpus_to)."""
    from textkit.core.errors import InvalidParameterError
    from textkit.corpus.build import build_corpus, corpus_config, write_corpus
    from textkit.corpus.read import read_texts

    if args.raw is not None:
        raise InvalidParameterError("--input: cannot be combined with --raw")
    _check_out(args.input, out, args)
    if args.stream:
        from textkit.corpus.stream import build_corpus_to

        options = {
            "text": args.text_column,
            "meta": args.meta,
            "id": args.id_column,
            "title": args.title_column,
            "encoding": args.encoding,
            "sheet": args.sheet,
            "dates": args.dates,
            "docvars_from": args.docvars_from,
            "include": args.include,
            "exclude": args.exclude,
            "metadata": args.metadata,
            "metadata_key": args.metadata_key,
        }
        read = {k: v for k, v in options.items() if v is not None}
        if not args.input.is_dir():
            for flag, key in _FOLDER_FLAGS:
                if key in read:
                    raise InvalidParameterError(f"{flag}: applies to folders, not to a table")
        paths = build_corpus_to(
            args.input,
            out,
            corpus_config(config),
            read=read,
            batch_pages=args.batch_pages,
            batch_rows=args.batch_rows,
            memory_budget_mb=args.memory_budget_mb,
        )
        for path in paths:
            print(path)
        return 0
    texts = read_texts(
        args.input,
        text=args.text_column,
        meta=args.meta,
        id=args.id_column,
        docvars_from=args.docvars_from,
        include=args.include,
        exclude=args.exclude,
        encoding=args.encoding,
        title=args.title_column,
        sheet=args.sheet,
        dates=args.dates,
        metadata=args.metadata,
        metadata_key=args.metadata_key,
    )
    for path in write_corpus(build_corpus(texts, corpus_config(config)), out):
        print(path)
    return 0


def _build(args: argparse.Namespace, config) -> int:
    """``textkit corpus build``: the project's corpus (``[corpus]`` raw_dir or input), the
    raw pages of ``--raw`` or the ``--input``; streamed with ``--stream``."""
    from textkit.corpus.build import build_corpus, corpus_config, write_corpus
    from textkit.corpus.source import corpus_source
    from textkit.run import pipeline

    out = args.out or pipeline.out_dir(config)
    if args.input is not None:
        return _build_from_input(args, config, out)
    if args.raw is None and not args.stream:  # the project's corpus: raw pages or input
        _check_out(corpus_source(config).path, out, args)
        paths = pipeline.build_corpus_step(config, out)
    elif args.raw is None:  # streamed: the project's corpus, as the build without --stream
        paths = _stream_source(args, config, out)
    else:
        _check_out(args.raw, out, args)
        if args.stream:
            paths = _stream(args, args.raw, out, corpus_config(config))
        else:
            paths = write_corpus(build_corpus(args.raw, corpus_config(config)), out)
    for path in paths:
        print(path)
    return 0


def _stream(args: argparse.Namespace, path: Path, out: Path, config, read=None) -> list[Path]:
    """build_corpus_to of a raw pages folder, or of a table or a folder of files with its
    ``read`` options."""
    from textkit.corpus.stream import build_corpus_to

    return build_corpus_to(
        path,
        out,
        config,
        read=read,
        batch_pages=args.batch_pages,
        batch_rows=args.batch_rows,
        memory_budget_mb=args.memory_budget_mb,
    )


def _stream_source(args: argparse.Namespace, config, out: Path) -> list[Path]:
    """``--stream`` without ``--raw`` or ``--input``: the corpus ``[corpus]`` names (the raw
    pages folder, or the ``input`` table or folder of files with its read options)."""
    from textkit.corpus.build import corpus_config
    from textkit.corpus.source import corpus_source

    source = corpus_source(config)
    _check_out(source.path, out, args)
    read = dict(source.options) if source.kind == "input" else None
    return _stream(args, source.path, out, corpus_config(config), read)


#: What an interrupted run leaves behind (outputs are swapped in only when a run completes).
_LEFT_AS_THEY_WERE = "figures/ and results/ left as they were"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``textkit`` command; returns the exit status.

    Ctrl-C (SIGINT) stops the notebook kernels at once, discards the run's staged outputs
    and prints one line, ``textkit: interrupted; figures/ and results/ left as they were``;
    the exit status is then 130 (128 + SIGINT), as a shell reports an interrupted command.
    """
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.verbose:
        logging.getLogger("textkit").setLevel(logging.DEBUG)
    if not args.quiet and sys.stderr.isatty():
        os.environ.setdefault("TEXTKIT_PROGRESS", "1")

    from textkit.core.config import load_config
    from textkit.core.errors import TextkitError
    from textkit.run import pipeline

    try:
        config = load_config(args.config)
        if args.command == "corpus":
            return _build(args, config)
        if args.command in ("notebooks", "figures"):
            from textkit.corpus.build import corpus_config
            from textkit.corpus.source import build_source, corpus_source
            from textkit.run.session import check_settings

            check_settings(config)  # every table, before the corpus and the notebooks
            nbs = pipeline.project_notebooks(config, tuple(args.only))  # none: an error
            # the notebooks' own build (cached): the settings that name its columns
            build = build_source(corpus_source(config), corpus_config(config), cache=True)
            check_settings(config, build.documents)
            # staged as by reproduce: a failing notebook leaves every output as it was
            for path in pipeline.run_notebooks(config, nbs):
                print(path)
            return 0
        if args.command == "reproduce":
            t0 = time.perf_counter()
            result = pipeline.reproduce(
                args.config,
                notebooks=not args.no_notebooks,
                only=tuple(args.only),
                jobs=args.jobs,
                force=args.force,
            )
            for step, secs in result.seconds.items():
                print(f"{step:<24s} {secs:8.1f} s")
            for stem in result.reused:
                print(f"{stem:<24s}   reused (up to date)")
            print(f"{'total':<24s} {time.perf_counter() - t0:8.1f} s")
            return 0
        if args.command == "verify":
            from textkit.run.verify import verify

            rows = verify(args.config, jobs=args.jobs, keep=args.keep)
            for row in rows:
                print(f"{row.status:<8s} {row.path}" + (f"  ({row.detail})" if row.detail else ""))
            counts = {
                s: sum(r.status == s for r in rows) for s in ("pass", "differs", "missing", "new")
            }
            print(
                f"verify: {len(rows)} outputs: {counts['pass']} pass, {counts['differs']} differ, "
                f"{counts['missing']} missing, {counts['new']} new (not committed)"
            )
            return 0 if all(r.ok for r in rows) else 1
        if args.command == "example-table":
            from textkit.corpus.example import write_example_table

            print(write_example_table(args.path, args.docs, args.seed))
            return 0
        if args.command == "config":
            from textkit.run.session import check_settings

            check_settings(config)  # every table built and checked, as a run reads it
            prov = pipeline.provenance(config)
            print(f"config file   {config.path}")
            print(f"config hash   {prov.config_hash}")
            print(f"corpus hash   {prov.corpus_hash}")
            for name in sorted(config.sections):
                print(f"[{name}] {dict(config.section(name))}")
            return 0
    except KeyboardInterrupt:  # Ctrl-C: kernels are stopped, staged outputs discarded
        print(f"textkit: interrupted; {_LEFT_AS_THEY_WERE}", file=sys.stderr)
        return 130
    except TextkitError as exc:  # every error textkit raises on purpose, each with its status
        print(f"textkit: {exc.summary}: {exc}", file=sys.stderr)
        return exc.exit_status
    except (OSError, ValueError) as exc:  # a missing file or folder; a value a library refused
        print(f"textkit: error: {exc}", file=sys.stderr)
        return 2
    return 1  # pragma: no cover - argparse enforces a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
