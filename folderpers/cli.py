"""Command line: `python build.py [build|review|serve|new|import] [options]`; see `python build.py --help`."""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
from datetime import date
from pathlib import Path

from folderpers.build.executors import EXECUTOR_HELP, executor_argument
from folderpers.build.limits import DEFAULT_MEMORY_MIB, DEFAULT_SECONDS
from folderpers.build.publish import output_error
from folderpers.build.workers import default_jobs
from folderpers.errors import FolderpersError
from folderpers.project import Project
from folderpers.writers import KINDS

_MODULES = {"import": "import_"}  # commands whose name is a Python keyword


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    """Run the command line; the exit code is 0 when all went well, 1 when an output failed, 2 for
    a problem with the project or the call, 3 for a bug (a traceback with --debug)."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)
    # past a file-size limit (ulimit -f) a write fails with EFBIG, reported with its file, instead of SIGXFSZ killing us
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        return _run(parser, args, root)
    except FolderpersError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # the system refused (full disk, read-only, permissions): not a bug
        # not only writing: reading the project may be refused too (permissions, an I/O error)
        print(f"error: {output_error(error, Path(error.filename or '.'), 'cannot read or write')}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: files already published stay as they are", file=sys.stderr)
        return 130
    except Exception as error:
        if getattr(args, "debug", False):
            raise
        print(f"internal error: {type(error).__name__}: {error} (run with --debug for a traceback)", file=sys.stderr)
        return 3


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace, root: Path | None) -> int:
    project = Project(args.project or root or Path.cwd(), output=getattr(args, "output", None))
    project.check()
    command = args.command or "build"
    if command == "build":
        args.formats = tuple(kind.strip() for kind in args.format.split(",") if kind.strip())
        unknown = [kind for kind in args.formats if kind not in KINDS]
        if unknown:
            parser.error(f"unknown format {unknown[0]!r}; formats are: {', '.join(KINDS)}")
    # only the running command's module is imported: a build does not pay for `check` or `serve`
    module = importlib.import_module(f"folderpers.commands.{_MODULES.get(command, command)}")
    return int(module.main(project, args))


def _shared_options(defaults: bool) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser, argparse.ArgumentParser]:
    """The options of several commands: (every command, commands that write, build). The commands'
    copies get no defaults (`defaults=False`), so that an option given before the command
    (`build.py --project X serve`) is not reset by the command's default."""
    def default(value):
        return value if defaults else argparse.SUPPRESS
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--today", type=date.fromisoformat, default=default(date.today()), metavar="YYYY-MM-DD",
                        help="judge review dates as of this day (default: today)")
    common.add_argument("--review-warning-months", type=int, default=default(6), metavar="N",
                        help="warn when a review date is less than N months away (default: 6)")
    common.add_argument("--project", type=Path, default=default(None), metavar="DIR",
                        help="project directory with folders/, institutions/, templates/ ... (default: this one)")
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--output", type=Path, default=default(None), metavar="DIR",
                        help="output directory (default: dist/)")
    build_options = argparse.ArgumentParser(add_help=False, parents=[output])
    build_options.add_argument("--institution", "-i", action="append", default=default([]), metavar="ID",
                               help="build only for this institution (repeatable)")
    build_options.add_argument("--folder", "-f", action="append", default=default([]), metavar="SLUG",
                               help="build only this folder (repeatable)")
    build_options.add_argument("--format", default=default(",".join(KINDS)), metavar="KINDS",
                               help=f"comma-separated output kinds (default: {','.join(KINDS)})")
    build_options.add_argument("--allow-expired", action="store_true", default=default(False),
                               help="emergency override: publish folders whose review date has passed (logged)")
    build_options.add_argument("--jobs", "-j", type=int, default=default(default_jobs()), metavar="N",
                               help=f"worker processes (default: one per core, here {default_jobs()}; 0: no workers)")
    build_options.add_argument("--time-limit", type=float, default=default(DEFAULT_SECONDS), metavar="S",
                               help=f"seconds to render one output before it fails (default: {DEFAULT_SECONDS:g})")
    build_options.add_argument("--memory-limit", type=int, default=default(DEFAULT_MEMORY_MIB), metavar="MIB",
                               help=f"memory a worker may take for one output, in MiB (default: {DEFAULT_MEMORY_MIB})")
    build_options.add_argument("--executor", type=executor_argument, default=default("local"),
                               metavar="WHERE", help=f"where to render: {EXECUTOR_HELP} (default: local)")
    build_options.add_argument("--force", action="store_true", default=default(False),
                               help="rebuild every output, also those whose inputs did not change")
    build_options.add_argument("--verify", action="store_true", default=default(False),
                               help="hash every output in dist/ to decide it is intact (default: by size and time)")
    build_options.add_argument("--debug", action="store_true", default=default(False),
                               help="show tracebacks of internal errors")
    return common, output, build_options


def _parser() -> argparse.ArgumentParser:
    top_common, _, top_build_options = _shared_options(defaults=True)  # build_options includes output
    parser = argparse.ArgumentParser(prog="build.py", parents=[top_common, top_build_options],
                                     description="Build patient information folders into dist/.")
    common, output, build_options = _shared_options(defaults=False)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("build", parents=[common, build_options], help="build PDFs and web pages (the default)")
    commands.add_parser("review", parents=[common, output], help="list every folder by review status")
    check_command = commands.add_parser("check", parents=[common, output], help="check content and outputs: "
                                        "accessibility, plain language (report in dist/)")
    check_command.add_argument("--institution", "-i", action="append", default=argparse.SUPPRESS, metavar="ID",
                               help="check only this institution's publications (repeatable)")
    check_command.add_argument("--folder", "-f", action="append", default=argparse.SUPPRESS, metavar="SLUG",
                               help="check only this folder (repeatable)")
    check_command.add_argument("files", nargs="*", type=Path, metavar="PDF",
                               help="check these PDF files (or every PDF in these directories), made anywhere")
    check_command.add_argument("--content-only", action="store_true",
                               help="only lint and readability: skip the PDFs and web pages in dist/ (no browser needed)")
    serve_command = commands.add_parser("serve", parents=[common], help="live preview in the browser, rebuilt on "
                                        "every save (never writes dist/)")
    serve_command.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0: any free)")
    serve_command.add_argument("--allow-expired", action="store_true", default=argparse.SUPPRESS,
                               help="preview folders past their review date")
    translations_command = commands.add_parser("translations", parents=[common], help="every folder's translations: "
                                               "missing, up to date or stale (which blocks)")
    translations_command.add_argument("--folder", "-f", action="append", default=argparse.SUPPRESS, metavar="SLUG",
                                      help="only this folder (repeatable)")
    translations_command.add_argument("--export", metavar="LANG", help="write what needs translating into LANG "
                                      "(missing or stale) to a file per folder, for a translator")
    translations_command.add_argument("--format", dest="exchange_format", choices=("xliff", "po"), default="xliff",
                                      help="file format of --export: XLIFF 1.2 (default) or PO")
    translations_command.add_argument("--all", action="store_true", help="with --export: every text, not only "
                                      "what is missing or stale")
    translations_command.add_argument("--to", dest="exchange_dir", type=Path, metavar="DIR",
                                      help="with --export: the directory to write to (default: this one)")
    translations_command.add_argument("--import", dest="import_file", type=Path, metavar="FILE",
                                      help="write a translated XLIFF or PO file back into folder.<lang>.yaml")
    new_command = commands.add_parser("new", parents=[common], help="start a new folder from a commented example")
    new_command.add_argument("slug", help="its name: lowercase letters, digits and hyphens, e.g. knie-prothese")
    import_command = commands.add_parser("import", parents=[common], help="turn existing folders (Word .docx, "
                                         "web pages, PDF, text copied from a PDF) into folders/<slug>/folder.yaml "
                                         "to review")
    import_command.add_argument("sources", nargs="+", metavar="SOURCE", help=".docx, .html, .pdf or .txt files")
    import_command.add_argument("--slug", help="folder name (default: from the file name); only with one SOURCE")
    import_command.add_argument("--institution", "-i", metavar="ID", default=argparse.SUPPRESS,
                                help="institution whose registry turns phone numbers and its name into placeholders "
                                "(default: the one the document names, else the one with most of its numbers)")
    import_command.add_argument("--force", action="store_true", help="replace a folder that already exists")
    return parser
