import sys, time
sys.path.insert(0, "bench"); sys.path.insert(0, ".")
from reports_load import open_loaded_chain
open_loaded_chain()
from django.db import connection, transaction
from reports import customer_facts

def explain(execute, sql, params, many, context):
    if sql.startswith("UPDATE reports_customerperiod SET abc"):
        r = execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params, many, context)
        print("\n".join(row[0][:200] for row in context["cursor"].fetchall()))
        return r
    t = time.perf_counter()
    r = execute(sql, params, many, context)
    print(f"{time.perf_counter()-t:.2f} s {sql[:80]}")
    return r

with transaction.atomic(), connection.cursor() as cursor:
    with connection.execute_wrapper(explain):
        customer_facts._reclassify(cursor, "reports_customerperiod", int(sys.argv[1]))
    transaction.set_rollback(True)
