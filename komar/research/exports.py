"""Writing a plan's rows: CSV (streamed), XLSX with its codebook sheet, SPSS .sav and Stata .dta
with variable and value labels (pyreadstat), and the codebook on its own.

The same definition over the same data gives the same bytes: rows come in a fixed order, and
the timestamps the formats carry (the XLSX's zip entries and properties, the .sav and .dta
headers) are set to the day the data was read, not the moment the file was written.
"""

from __future__ import annotations

import array
import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from komar.research.dataset import Plan, Row, Variable, labelled, rows
from komar.research.models import ExportFormat

BOM = "\ufeff"
CHUNK_ROWS = 500
COPY_BUFFER = 1 << 20  # bytes copied at a time between zip entries
Progress = Callable[[int], None]


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


def csv_chunks(plan: Plan, table: str) -> Iterator[bytes]:
    """The table as CSV, UTF-8 with a BOM (so Excel reads Khmer), a chunk of rows at a time."""
    language = plan.definition.language
    variables = plan.variables[table]
    yield (BOM + _csv_line([v.name for v in variables])).encode()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for count, row in enumerate(rows(plan, table), start=1):
        writer.writerow(["" if v is None else v for v in labelled(plan, table, row, language)])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def values_text(variable: Variable, language: str = "en") -> str:
    if variable.values:
        return "; ".join(
            f"{n} = {v.label(language)}" for n, v in enumerate(variable.values, start=1)
        )
    return variable.note


def codebook_rows(plan: Plan, table: str) -> list[list[str]]:
    header = ["variable", "label_en", "label_km", "type", "values", "source", "note"]
    out = [header]
    for v in plan.variables[table]:
        out.append(
            [
                v.name,
                v.label_in("en"),
                v.label_in("km"),
                v.kind,
                values_text(v, "en"),
                v.source,
                v.note if not v.name.startswith("f_") else "0 no, 1 yes",
            ]
        )
    return out


def about_rows(plan: Plan) -> list[list[str]]:
    """What the export is: the k achieved and the generalisation used (the XLSX's first lines
    of the codebook sheet and the codebook file's footer)."""
    return [
        ["k", str(plan.result.k)],
        ["women", str(plan.women)],
        ["data as of", plan.on.isoformat()],
        *[[f"level of {name}", str(level)] for name, level in plan.result.as_json().items()],
    ]


def write_codebook(plan: Plan, table: str, out: BinaryIO) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerows(codebook_rows(plan, table))
    writer.writerow([])
    writer.writerows(about_rows(plan))
    out.write((BOM + text.getvalue()).encode())


def _fix_zip_dates(source: Path, path: Path, on: dt.date) -> None:
    """Copy the zip at `source` to `path` with every entry dated `on` (openpyxl dates them
    now), entry by entry through a small buffer, so that memory does not grow with the file."""
    with (
        zipfile.ZipFile(source) as zin,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(on.year, on.month, on.day, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" at save
                stamp = f"{on.isoformat()}T00:00:00Z".encode()
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    zin.read(info),
                )
                zout.writestr(fixed, content)
                continue
            with zin.open(info) as entry, zout.open(fixed, "w", force_zip64=True) as copy:
                shutil.copyfileobj(entry, copy, COPY_BUFFER)


def write_xlsx(plan: Plan, table: str, path: Path, progress: Progress) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs installed

    language = plan.definition.language
    workbook = Workbook(write_only=True)
    moment = dt.datetime(plan.on.year, plan.on.month, plan.on.day)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    workbook.properties.creator = "Komar"
    sheet = workbook.create_sheet(table)
    sheet.append([v.name for v in plan.variables[table]])
    for count, row in enumerate(rows(plan, table), start=1):
        sheet.append(labelled(plan, table, row, language))
        if count % 5000 == 0:
            progress(count)
    book = workbook.create_sheet("codebook")
    for line in codebook_rows(plan, table):
        book.append(line)
    book.append([])
    for line in about_rows(plan):
        book.append(line)
    # openpyxl's write-only sheets are spooled to temporary files; the workbook is saved next
    # to the target, then copied with the data's day on every entry.
    unstamped = path.with_name(path.name + ".unstamped")
    try:
        workbook.save(unstamped)
        _fix_zip_dates(unstamped, path, plan.on)
    finally:
        unstamped.unlink(missing_ok=True)


def _frame(plan: Plan, table: str, progress: Progress) -> Any:
    """The table for pyreadstat: categorical values as their numbers (value labels).

    pyreadstat writes from a whole DataFrame, so the table is held in memory, as compactly as
    it can be: every numeric column is an array of 8-byte floats (NaN for missing), filled row
    by row, and only the text columns (the pseudonyms) are Python strings."""
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped]  # no stubs installed

    variables = plan.variables[table]
    numeric = [v.kind in ("categorical", "binary", "numeric") for v in variables]
    columns: list[array.array[float] | list[str]] = [
        array.array("d") if is_number else [] for is_number in numeric
    ]
    missing = float("nan")
    for count, row in enumerate(rows(plan, table), start=1):
        for variable, column, value in zip(variables, columns, row, strict=True):
            if variable.kind == "categorical":
                value = variable.number_of(str(value)) if value is not None else None
            if isinstance(column, array.array):
                column.append(missing if value is None else float(value))
            else:
                column.append("" if value is None else str(value))
        if count % 5000 == 0:
            progress(count)
    data = {
        variable.name: (
            pd.Series(np.frombuffer(column, dtype="float64"), copy=False)
            if isinstance(column, array.array)
            else pd.Series(column, dtype="object")
        )
        for variable, column in zip(variables, columns, strict=True)
    }
    return pd.DataFrame(data, copy=False)


def _labels(
    plan: Plan, table: str, limit: int
) -> tuple[dict[str, str | None], dict[str, dict[float, str]]]:
    language = plan.definition.language
    column_labels: dict[str, str | None] = {}
    value_labels: dict[str, dict[float, str]] = {}
    for v in plan.variables[table]:
        column_labels[v.name] = _cut(v.label_in(language), limit)
        if v.kind == "categorical" and v.values:
            value_labels[v.name] = {
                float(n): _cut(value.label(language), limit)
                for n, value in enumerate(v.values, start=1)
            }
        elif v.kind == "binary":
            value_labels[v.name] = {
                0.0: "no" if language != "km" else "ទេ",
                1.0: "yes" if language != "km" else "បាទ/ចាស",
            }
    return column_labels, value_labels


def _cut(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, cut at a character."""
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode(errors="ignore")


def write_sav(plan: Plan, table: str, path: Path, progress: Progress) -> None:
    import pyreadstat

    frame = _frame(plan, table, progress)
    column_labels, value_labels = _labels(plan, table, 250)
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=column_labels,
        variable_value_labels=value_labels,
        file_label=f"Komar k={plan.result.k}",
    )
    _fix_sav_header(path, plan.on)


def write_dta(plan: Plan, table: str, path: Path, progress: Progress) -> None:
    import pyreadstat

    frame = _frame(plan, table, progress)
    column_labels, value_labels = _labels(plan, table, 80)
    pyreadstat.write_dta(
        frame,
        str(path),
        column_labels=column_labels,
        variable_value_labels=value_labels,
        file_label=f"Komar k={plan.result.k}",
        version=15,
    )
    _fix_dta_header(path, plan.on)


def _fix_sav_header(path: Path, on: dt.date) -> None:
    """The creation date and time of the .sav header (bytes 92-108) set to the data's day."""
    data = bytearray(path.read_bytes())
    assert data[:4] in (b"$FL2", b"$FL3")
    data[92:101] = on.strftime("%d %b %y").encode()
    data[101:109] = b"00:00:00"
    path.write_bytes(bytes(data))


def _fix_dta_header(path: Path, on: dt.date) -> None:
    """The <timestamp> of the .dta header set to the data's day."""
    data = bytearray(path.read_bytes())
    start = data.find(b"<timestamp>")
    if start >= 0:
        length = data[start + 11]
        stamp = on.strftime("%d %b %Y 00:00").encode()
        if length == len(stamp):
            data[start + 12 : start + 12 + length] = stamp
    path.write_bytes(bytes(data))


def write_file(plan: Plan, table: str, fmt: str, path: Path, progress: Progress) -> None:
    if fmt == ExportFormat.CSV:
        with path.open("wb") as out:
            for count, chunk in enumerate(csv_chunks(plan, table)):
                out.write(chunk)
                progress(count * CHUNK_ROWS)
    elif fmt == ExportFormat.XLSX:
        write_xlsx(plan, table, path, progress)
    elif fmt == ExportFormat.SAV:
        write_sav(plan, table, path, progress)
    elif fmt == ExportFormat.DTA:
        write_dta(plan, table, path, progress)
    else:
        with path.open("wb") as out:
            write_codebook(plan, table, out)


Row_ = Row  # re-exported for the views' type hints
