"""Benchmark: import a generated 100,000-row customer workbook, then export 100,000 customers.

Targets (2-core machine): import < 60 s and < 300 MB; export < 30 s and < 200 MB.
Each phase runs in its own process so its peak memory (ru_maxrss) is its own; a
1,000-row import is measured too, to show the memory does not grow with the file.

Use a database of its own (the script refuses one that already has its stores' customers):

    createdb -h 127.0.0.1 -U postgres kedang_sheets_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kedang_sheets_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/spreadsheets_bench.py [--rows 100000] [--purchases 1000] [--read-only]
    .venv/bin/python bench/spreadsheets_bench.py --history --rows 20000 --purchases 100000 --store HIST

``--history`` times the purchase-history sheet (消费记录) alone: a workbook of ``--rows``
customers and ``--purchases`` lines, the write of its purchases measured on its own
(target: 100,000 lines ≤ 30 s).

It first prints how long each reader (openpyxl's read-only mode, python-calamine, the
one the import uses) takes to read the big file's rows; ``--read-only`` stops there.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ.setdefault("DEBUG", "false")  # as in production: no query log
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def generate(path: Path, rows: int, purchases: int, first_mobile: int, first_id: int = 0) -> None:
    from openpyxl import Workbook

    from customers.tests.spreadsheets.workbooks import SEED_HEADERS, id_number

    book = Workbook(write_only=True)
    sheet = book.create_sheet("顾客")
    sheet.append([*SEED_HEADERS, "等级", "入会日期"])
    for n in range(rows):
        sheet.append(
            [
                f"顾客{n}",
                "女" if n % 2 else "男",
                f"{first_mobile + n}",
                f"B{first_mobile + n}",
                id_number(first_id + n) if n % 10 == 0 else None,
                f"上海市静安区南京西路{n % 999}号",
                f"19{70 + n % 30}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                n % 5000,
                f"{(n % 20000) + 100}.50",
                1 + n % 9,
                "ABC"[n % 3],
                f"20{10 + n % 14}/{1 + n % 12}/{1 + n % 28}",
            ]
        )
    sheet = book.create_sheet("消费记录")
    sheet.append(["电话", "时间", "商品", "数量", "单价"])
    for n in range(purchases):
        sheet.append([f"{first_mobile + n * 3 % rows}", f"2024-{1 + n % 12:02d}-{1 + n % 28:02d} 15:30", "衬衫", 1, 50])
    book.save(path)


def run_import(path: Path, store_code: str) -> dict:
    _setup()
    from crm.models import Store
    from customers.importing import services

    store, _ = Store.objects.get_or_create(code=store_code, defaults={"name": "基准测试店"})
    if store.customers.exists():
        raise SystemExit(f"Store {store_code} already has customers: run the benchmark on a fresh database.")
    started = time.monotonic()
    with open(path, "rb") as handle:
        job = services.start_import(
            store=store, user=None, upload=handle, name=path.name, size=path.stat().st_size, enqueue=False
        )
    job = services.check(job.pk)
    checked = time.monotonic()
    services.confirm(job, None, enqueue=False)
    job = services.run(job.pk)
    done = time.monotonic()
    return {
        "phase": f"import {path.name}",
        "seconds": round(done - started, 1),
        "check_seconds": round(checked - started, 1),
        "write_seconds": round(done - checked, 1),
        "peak_mb": round(_peak_mb(), 1),
        "created": job.created_count,
        "purchases": job.purchases_count,
        "rejected": job.rejected_rows,
        "status": job.status,
    }


def run_history(path: Path, store_code: str) -> dict:
    """``run_import`` with the time of the purchase-history sheet's write on its own."""
    _setup()
    from customers.importing import writing

    spent = {"seconds": 0.0}
    write = writing._write_purchases

    def timed(ctx, keys):
        started = time.monotonic()
        try:
            return write(ctx, keys)
        finally:
            spent["seconds"] += time.monotonic() - started

    writing._write_purchases = timed
    result = run_import(path, store_code)
    return {**result, "phase": f"history {path.name}", "history_write_seconds": round(spent["seconds"], 1)}


def history(args) -> None:
    """``--history``: a workbook of ``--rows`` customers and ``--purchases`` purchase lines;
    prints the import and the purchase sheet's write time, extrapolated to 100,000 lines."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "history.xlsx")
        rows, lines = str(args.rows), str(args.purchases)
        _child("--phase", "generate", "--file", str(path), "--rows", rows, "--purchases", lines)
        result = _child("--phase", "history", "--file", str(path), "--store", args.store)
    print(json.dumps(result, ensure_ascii=False))
    per_line = result["history_write_seconds"] / max(1, args.purchases)
    print(
        f"\npurchase-history sheet: {args.purchases:,} lines ({result['purchases']:,} sales) written in "
        f"{result['history_write_seconds']} s "
        f"({per_line * 1000:.2f} ms a line; 100,000 lines ≈ {per_line * 100_000:.0f} s, target ≤ 30)"
    )


def run_export(path: Path, store_code: str) -> dict:
    _setup()
    from crm.xlsx import Sheet, write_workbook
    from customers.exporting import customer_rows, export_headers
    from customers.models import Customer

    base = _peak_mb()
    started = time.monotonic()
    customers = Customer.objects.filter(home_store__code=store_code)
    counts = write_workbook(path, [Sheet("顾客", export_headers(), customer_rows(customers, full_id_numbers=True))])
    return {
        "phase": "export",
        "seconds": round(time.monotonic() - started, 1),
        "peak_mb": round(_peak_mb(), 1),
        "peak_mb_at_start": round(base, 1),
        "rows": sum(counts.values()),
        "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
    }


def run_read(path: Path, reader: str) -> dict:
    """Read every row of the customer sheet with one reader, without checking or writing."""
    _setup()
    started = time.monotonic()
    rows = 0
    if reader == "calamine":
        from customers.importing.reading import Workbook

        with Workbook(path) as book:
            for _row in book.rows("顾客"):
                rows += 1
    else:  # openpyxl's public read-only API, the reader before python-calamine
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book["顾客"]
        sheet.reset_dimensions()
        for _row in sheet.iter_rows(values_only=True):
            rows += 1
        book.close()
    return {
        "phase": f"read {reader}",
        "seconds": round(time.monotonic() - started, 1),
        "peak_mb": round(_peak_mb(), 1),
        "rows": rows,
    }


def _child(*args) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=1_000)
    parser.add_argument("--phase", choices=["generate", "read", "import", "history", "export"])
    parser.add_argument("--history", action="store_true", help="only the purchase-history sheet's write time")
    parser.add_argument("--reader", choices=["calamine", "openpyxl"], default="calamine")
    parser.add_argument("--read-only", action="store_true", help="only time the two readers on the big file")
    parser.add_argument("--file")
    parser.add_argument("--store", default="BENCH")
    parser.add_argument("--first-mobile", type=int, default=13800000000)
    parser.add_argument("--first-id", type=int, default=0, help="ID numbers start here (unique below 10,000,000)")
    args = parser.parse_args()

    if args.phase == "generate":
        generate(Path(args.file), args.rows, args.purchases, args.first_mobile, args.first_id)
        print(json.dumps({"phase": "generate"}))
        return
    if args.phase == "read":
        print(json.dumps(run_read(Path(args.file), args.reader)))
        return
    if args.phase == "import":
        print(json.dumps(run_import(Path(args.file), args.store)))
        return
    if args.phase == "history":
        print(json.dumps(run_history(Path(args.file), args.store)))
        return
    if args.history:
        history(args)
        return
    if args.phase == "export":
        print(json.dumps(run_export(Path(args.file), args.store)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        small, big, out = Path(tmp, "small.xlsx"), Path(tmp, "big.xlsx"), Path(tmp, "export.xlsx")
        started = time.monotonic()
        _child("--phase", "generate", "--file", str(big), "--rows", str(args.rows), "--purchases", str(args.purchases))
        print(
            f"generated {args.rows:,} customer rows + {args.purchases:,} purchase rows "
            f"({big.stat().st_size / 1024 / 1024:.1f} MB) in {time.monotonic() - started:.1f} s"
        )
        reads = [_child("--phase", "read", "--file", str(big), "--reader", r) for r in ("openpyxl", "calamine")]
        print(
            f"read the {args.rows:,}-row sheet: openpyxl read-only {reads[0]['seconds']} s "
            f"(peak {reads[0]['peak_mb']} MB), python-calamine {reads[1]['seconds']} s (peak {reads[1]['peak_mb']} MB)"
        )
        if args.read_only:
            return
        _child(
            "--phase",
            "generate",
            "--file",
            str(small),
            "--rows",
            "1000",
            "--purchases",
            "200",
            "--first-mobile",
            "13700000000",
            # Customers of their own: the big file's ID numbers must not be taken already.
            "--first-id",
            "5000000",
        )
        results = [
            _child("--phase", "import", "--file", str(small), "--store", f"{args.store}1K"),
            _child("--phase", "import", "--file", str(big), "--store", args.store),
            _child("--phase", "export", "--file", str(out), "--store", args.store),
        ]
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    small_import, big_import, export = results
    print(
        f"\nimport {args.rows:,} rows: {big_import['seconds']} s (target < 60), peak {big_import['peak_mb']} MB "
        f"(target < 300; a 1,000-row file peaks at {small_import['peak_mb']} MB)"
    )
    print(
        f"export {export['rows']:,} customers: {export['seconds']} s (target < 30), peak {export['peak_mb']} MB "
        f"(target < 200)"
    )


if __name__ == "__main__":
    main()
