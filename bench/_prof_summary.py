import sys, time, datetime as dt
sys.path.insert(0, "bench"); sys.path.insert(0, ".")
from reports_load import open_loaded_chain
day = open_loaded_chain()
from django.db import connection, transaction
from summary_bench import add_a_day
from reports import summary

LIMIT = 0.1
def timer(execute, sql, params, many, context):
    t = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        d = time.perf_counter() - t
        if d > LIMIT:
            print(f"   {d:7.2f} s  {' '.join(sql.split())[:120]}", flush=True)
            if False:
                with connection.cursor() as c:
                    c.execute("EXPLAIN " + sql.replace("CREATE TEMPORARY TABLE reports_changed_facts AS", ""), params)
                    print("\n".join("        " + r[0] for r in c.fetchall()))

with transaction.atomic(), connection.cursor() as cursor:
    summary.summarise(day - dt.timedelta(days=1))
    print(add_a_day(cursor, day, 6849))
    with connection.execute_wrapper(timer):
        t = time.perf_counter()
        print(summary.summarise(day), f"{time.perf_counter()-t:.1f}")
        LIMIT = 0.1
        print("--- again")
        t = time.perf_counter()
        print(summary.summarise(day), f"{time.perf_counter()-t:.1f}")
    transaction.set_rollback(True)
