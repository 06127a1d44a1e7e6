"""The hazard ledger's .xlsx export at 100,000 rows, against the floors of the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_exports \\
        .venv/bin/python scripts/bench_exports.py [--rows 100000] [--keep]

Works in a database beside DATABASE_URL's, test_NAME_exports (kept between runs with
--keep, so the hazards are built once): migrates it, seeds the demo county if it is empty
and adds hazards (scripts/bench_data's hazards, with their events) until the ledger has
`--rows`. Then, each in a forked process of its own (so that peak RSS is its own):

- the export as a user gets it (the view, streamed; the first bytes, the first rows and
  the whole file timed), for the whole ledger and for one category (~1/7 of the rows:
  memory should not follow the rows);
- the same export as a background job (exports.services.run_job, into its file);
- the floors from the same values_list: XlsxWriter constant_memory, openpyxl write-only
  (config.xlsx) and csv, each with config.xlsx.safe_cell_value on every cell.
"""

import argparse
import csv
import datetime
import io
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _rss_kb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def in_child(function, *args):
    """Run function(*args) in a forked process; its result plus its peak RSS growth."""
    from django.db import connections

    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            base = _rss_kb()
            result = function(*args)
            result["rss_growth_mb"] = (
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
            ) / 1024
            result["rss_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        except Exception as error:  # reported to the parent
            result = {"error": repr(error)}
        os.write(write, json.dumps(result, default=str).encode())
        os.close(write)
        os._exit(0)
    os.close(write)
    chunks = []
    while data := os.read(read, 65536):
        chunks.append(data)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks))


def ensure_rows(rows):
    from django.core.management import call_command
    from django.db import transaction

    from inspections.models import Hazard
    from scripts.bench_data import _Builder

    call_command("migrate", verbosity=0, interactive=False)
    from institutions.models import User

    if not User.objects.filter(username="officer").exists():
        call_command("seed_demo", stdout=io.StringIO())
    have = Hazard.objects.count()
    if have < rows:
        print(f"adding {rows - have:,} hazards …", flush=True)
        with transaction.atomic():
            builder = _Builder((rows - have) / 20_000, sys.stdout)
            builder.setup()
            if (
                not Hazard.objects.exists()
                or builder.value("SELECT count(*) FROM institutions_institution") < 1000
            ):
                builder.step("institutions", builder.institutions)
            builder.step("hazards", builder.hazards)
            builder.step("analyze", builder.analyze)
    return Hazard.objects.count()


def _request(params):
    from django.test import RequestFactory

    from institutions.models import User

    request = RequestFactory().get("/inspections/hazards/ledger.xlsx", params)
    request.user = User.objects.get(username="officer")
    request.htmx = False
    return request


def export_streamed(params):
    from django.conf import settings

    from inspections.views import ledger_xlsx

    settings.EXPORT_ASYNC_ROWS = 10**9  # measure the streamed path at any size
    start = time.perf_counter()
    response = ledger_xlsx(_request(params))
    first_byte = first_rows = None
    size = 0
    with tempfile.TemporaryFile() as out:
        for chunk in response.streaming_content:
            now = time.perf_counter() - start
            if first_byte is None and chunk:
                first_byte = now
            elif first_rows is None and chunk:
                first_rows = now
            size += len(chunk)
            out.write(chunk)
    total = time.perf_counter() - start
    from exports.models import ExportJob

    job = ExportJob.objects.order_by("-pk").first()
    return {
        "seconds": total,
        "first_byte_s": first_byte,
        "first_rows_s": first_rows,
        "rows": job.rows_written,
        "mb": size / 1e6,
    }


def export_job(params):
    from django.db import transaction

    from exports import services
    from exports.models import ExportJob

    request = _request(params)
    start = time.perf_counter()
    job = ExportJob.objects.create(
        requester=request.user,
        kind="hazard_ledger",
        title="bench",
        source="inspections.exports.hazard_ledger",
        params=services.params_of(request.GET),
        is_async=True,
        filename="bench.xlsx",
    )
    with transaction.atomic():
        job = services.run_job(job.pk)
    seconds = time.perf_counter() - start
    size = job.file.size
    job.file.delete()
    return {"seconds": seconds, "rows": job.rows_written, "mb": size / 1e6}


def _values():
    from inspections.exports import COLUMNS, ledger_filter
    from institutions.models import User

    user = User.objects.get(username="officer")
    hazards = ledger_filter(user, None).qs.order_by("deadline", "pk")
    return hazards.values_list(*COLUMNS).iterator(chunk_size=2000)


def floor_xlsxwriter():
    import xlsxwriter

    from config.xlsx import safe_cell_value

    start = time.perf_counter()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        workbook = xlsxwriter.Workbook(
            out.name, {"constant_memory": True, "strings_to_numbers": False}
        )
        sheet = workbook.add_worksheet("ledger")
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        n = 0
        for n, row in enumerate(_values(), start=1):
            for col, raw in enumerate(row):
                value = safe_cell_value(raw)
                if isinstance(value, datetime.datetime):
                    sheet.write_datetime(n, col, value, stamp)
                elif isinstance(value, datetime.date):
                    sheet.write_datetime(n, col, value, date)
                elif isinstance(value, str):
                    sheet.write_string(n, col, value)
                else:
                    sheet.write(n, col, value)
        workbook.close()
        size = os.path.getsize(out.name)
    return {"seconds": time.perf_counter() - start, "rows": n, "mb": size / 1e6}


def floor_openpyxl():
    from config.xlsx import write_workbook
    from inspections.exports import COLUMNS

    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        counted = [0]

        def counting():
            for row in _values():
                counted[0] += 1
                yield row

        write_workbook(out, [("ledger", list(COLUMNS), counting(), None)])
        size = out.tell()
    return {"seconds": time.perf_counter() - start, "rows": counted[0], "mb": size / 1e6}


def floor_csv():
    from config.xlsx import safe_cell_value

    start = time.perf_counter()
    n = 0
    with tempfile.TemporaryFile("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        for row in _values():
            writer.writerow([safe_cell_value(v) for v in row])
            n += 1
        size = out.tell()
    return {"seconds": time.perf_counter() - start, "rows": n, "mb": size / 1e6}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database for next time")
    args = parser.parse_args()
    from scripts.bench_data import _setup_django

    _setup_django()
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        raise SystemExit("bench_exports needs PostgreSQL: set DATABASE_URL")
    setup_test_environment()
    base_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"test_{base_name}_exports"
    connection.creation.create_test_db(verbosity=0, keepdb=True, serialize=False)
    try:
        measure(args.rows)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(base_name, verbosity=0)


def measure(rows):
    total = ensure_rows(rows)
    print(f"hazards in the ledger: {total:,}\n", flush=True)
    runs = [
        ("export, streamed (whole ledger)", export_streamed, {}),
        ("export, streamed (category fire)", export_streamed, {"category": "fire"}),
        ("export, background job (whole ledger)", export_job, {}),
        ("floor: XlsxWriter constant_memory", floor_xlsxwriter, None),
        ("floor: openpyxl write-only", floor_openpyxl, None),
        ("floor: csv", floor_csv, None),
    ]
    results = {}
    print(f"| {'path':<40} | rows | s | first byte s | first rows s | MB | peak RSS growth MB |")
    print("|---|---|---|---|---|---|---|")
    for label, function, params in runs:
        result = in_child(function, *([] if params is None else [params]))
        results[label] = result
        if "error" in result:
            print(f"| {label} | error: {result['error']} |", flush=True)
            continue
        fb = result.get("first_byte_s")
        fr = result.get("first_rows_s")
        print(
            f"| {label:<40} | {result['rows']:,} | {result['seconds']:.2f} | "
            f"{'' if fb is None else f'{fb:.3f}'} | {'' if fr is None else f'{fr:.3f}'} | "
            f"{result['mb']:.1f} | {result['rss_growth_mb']:.1f} |",
            flush=True,
        )
    export = results["export, streamed (whole ledger)"].get("seconds")
    floor = results["floor: XlsxWriter constant_memory"].get("seconds")
    if export and floor:
        print(f"\nexport / XlsxWriter floor: {export / floor:.2f} (target ≤ 1.3)")


if __name__ == "__main__":
    main()
