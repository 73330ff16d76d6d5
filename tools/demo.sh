#!/usr/bin/env bash
# `make demo`: set everything up, create the demo database once, start the offline
# Amazon simulator and Odoo on 127.0.0.1, and print where to log in.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEV="$ROOT/tools/dev.sh"
eval "$("$DEV" env)"
DB="${DEMO_DB:-amazon_demo}"
PORT="${DEMO_PORT:-8069}"
SIM_PORT="${DEMO_SIM_PORT:-8079}"
LOGDIR="$ROOT/.local/log"; mkdir -p "$LOGDIR"

export ODOO_SRC
odoo() { "$DEV" run "$@"; }
psql_local() { "$PGBIN/psql" -h "$PGDIR/sock" -p "$PGPORT" -U odoo -d postgres -tAq "$@"; }

# A fingerprint of the addon's code: the demo database is updated when it changes.
code_stamp() {
    (cd "$ROOT" && find __manifest__.py models views data security spapi matching \
        -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' \) -print0 | sort -z \
        | xargs -0 sha1sum | sha1sum | cut -c1-16)
}

SIM_PID=
cleanup() { [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null; true; }
trap cleanup EXIT INT TERM

# The offline Amazon simulator (the demo never talks to Amazon).
if [ -f "$ROOT/simulator/__main__.py" ]; then
    ( cd "$ROOT" && exec "$PY" -m simulator --port "$SIM_PORT" --generate "${DEMO_ORDERS:-60}" --seed 7 \
        --rate-limits off --refresh-token "Atzr|demo-refresh-token" --marketplaces DE,FR,IT,ES,NL,PL,SE,BE \
        ) >"$LOGDIR/simulator.log" 2>&1 &
    SIM_PID=$!
    for _ in $(seq 50); do grep -q 'listening' "$LOGDIR/simulator.log" 2>/dev/null && break; sleep 0.1; done
    export AMAZON_DEMO_SIMULATOR="http://127.0.0.1:$SIM_PORT"
fi

if [ "$(psql_local -c "SELECT 1 FROM pg_database WHERE datname='$DB'")" != 1 ]; then
    echo "==> Creating the demo database $DB (German company, SKR03, Amazon account); about 2 minutes, once"
    # The company is German before accounting is installed, so that Odoo loads
    # SKR03; then OSS (fiscal positions and taxes for EU deliveries); then the
    # account, the simulator's catalogue as products and the import.
    run_logged() { "$@" >>"$LOGDIR/demo-install.log" 2>&1 || { tail -n 40 "$LOGDIR/demo-install.log"; exit 1; }; }
    run_logged odoo -d "$DB.tmp" -i base --load-language=de_DE --stop-after-init --no-http --log-level=warn
    DEMO_PHASE=company run_logged odoo shell -d "$DB.tmp" --no-http --log-level=warn <"$ROOT/tools/demo_setup.py"
    run_logged odoo -d "$DB.tmp" -i amazon_seller_connector,l10n_de,l10n_eu_oss --stop-after-init \
        --no-http --log-level=warn
    run_logged odoo shell -d "$DB.tmp" --no-http --log-level=warn <"$ROOT/tools/demo_setup.py"
    odoo db rename "$DB.tmp" "$DB" >/dev/null
    code_stamp >"$ROOT/.local/demo.stamp"
else
    # Update the addon in the demo database when its code changed since last time.
    stamp=$(code_stamp)
    if [ "$(cat "$ROOT/.local/demo.stamp" 2>/dev/null)" != "$stamp" ]; then
        echo "==> Updating the addon in $DB"
        odoo -d "$DB" -u amazon_seller_connector --stop-after-init --no-http --log-level=warn \
            >>"$LOGDIR/demo-install.log" 2>&1 || { tail -n 40 "$LOGDIR/demo-install.log"; exit 1; }
        echo "$stamp" >"$ROOT/.local/demo.stamp"
    fi
    # The simulator is new at every start: point the account at it again and import.
    [ -n "${AMAZON_DEMO_SIMULATOR:-}" ] && { odoo shell -d "$DB" --no-http --log-level=warn \
        <"$ROOT/tools/demo_setup.py" >>"$LOGDIR/demo-install.log" 2>&1 || true; }
fi

cat <<MSG

  Odoo is starting on   http://127.0.0.1:$PORT/odoo/amazon-accounts
  Login                 admin / admin   (database $DB, German)
  Amazon simulator      ${AMAZON_DEMO_SIMULATOR:-not available}
                        (consent sign-in: seller@example.com / amazon, code 123456)
  Stop with Ctrl+C.

MSG
odoo -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --http-interface=127.0.0.1 --log-level=warn
