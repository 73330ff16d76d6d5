#!/usr/bin/env bash
# `make test`: the whole suite, one runner (pytest with pytest-odoo), one summary.
#   1. a fresh copy of a template database (Odoo's modules and asset bundles,
#      built once) gets the addon installed;
#   2. pytest runs the plain-Python suites (simulator, SP-API client,
#      matching), the addon's Odoo tests (unit, HTTP and browser tours, through
#      pytest-odoo's HTTP mode) and the system tests (separate Odoo processes
#      killed and run concurrently, tests_system/) in one session.
# Ends with one line "N passed, M failed, K skipped"; exits non-zero on any
# failure, when no test ran, and (with CI=true) when a test was skipped.
#   make test ARGS='-k fbm_order'      some tests (any pytest selection)
#   TEST_PATHS='tests' make test       only the Odoo tests
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEV="$ROOT/tools/dev.sh"
MODULE=amazon_seller_connector
eval "$("$DEV" env)" || exit 2
LOGDIR="$ROOT/.local/log"
mkdir -p "$LOGDIR"
TEST_DB="${TEST_DB:-amazon_test}"
ADDON="$ROOT/.local/addons/$MODULE"

"$DEV" chromium || true

export ODOO_SRC
odoo() { "$DEV" run "$@"; }
psql_local() { "$PGBIN/psql" -h "$PGDIR/sock" -p "$PGPORT" -U odoo -d postgres -tAq "$@"; }
db_exists() { [ "$(psql_local -c "SELECT 1 FROM pg_database WHERE datname='$1'")" = 1 ]; }

# --- 1. the test database ------------------------------------------------------
base_modules=$("$DEV" base-modules)
tmpl_key=$( { echo "$ODOO_SRC" "$base_modules"; ls -l --time-style=+%s "$ODOO_SRC/odoo/release.py"; sha1sum "$PY"; } | sha1sum | cut -c1-10)
TEMPLATE="amazon_tmpl_$tmpl_key"
if ! db_exists "$TEMPLATE"; then
    echo "==> Building template database $TEMPLATE (Odoo modules: $base_modules; once)"
    for old in $(psql_local -c "SELECT datname FROM pg_database WHERE datname LIKE 'amazon_tmpl_%'"); do
        odoo db drop "$old" >/dev/null 2>&1 || true
    done
    odoo -d "$TEMPLATE.tmp" -i "$base_modules" --stop-after-init --no-http --log-level=warn \
        >"$LOGDIR/template.log" 2>&1 || { tail -n 30 "$LOGDIR/template.log"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
    echo "env['ir.qweb']._pregenerate_assets_bundles(); env.cr.commit()" \
        | odoo shell -d "$TEMPLATE.tmp" --no-http --log-level=warn >>"$LOGDIR/template.log" 2>&1
    odoo db rename "$TEMPLATE.tmp" "$TEMPLATE" >>"$LOGDIR/template.log" 2>&1 \
        || { tail -n 30 "$LOGDIR/template.log"; exit 1; }
fi

# OCA's queue_job (requirements-oca.txt) too: the tests of the job-queue mode
INSTALL="$MODULE,queue_job"
echo "==> Installing $INSTALL on a fresh copy of $TEMPLATE"
db_exists "$TEST_DB" && odoo db drop "$TEST_DB" >/dev/null 2>&1
odoo db duplicate -f "$TEMPLATE" "$TEST_DB" >/dev/null 2>&1 || { echo "could not copy the template database"; exit 1; }
if ! odoo -d "$TEST_DB" -i "$INSTALL" --stop-after-init --no-http --log-level=warn \
        >"$LOGDIR/install.log" 2>&1; then
    tail -n 40 "$LOGDIR/install.log"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi

# the system tests copy this one (a template may have no open connection)
SYS_TEMPLATE="${TEST_DB}_sys"
db_exists "$SYS_TEMPLATE" && odoo db drop "$SYS_TEMPLATE" >/dev/null 2>&1
psql_local -c "CREATE DATABASE \"$SYS_TEMPLATE\" TEMPLATE \"$TEST_DB\"" \
    || { echo "could not copy $TEST_DB for the system tests"; exit 1; }

# --- 2. one pytest session ------------------------------------------------------
# The Odoo tests are collected under the addon's technical name (the folder of
# links), so that pytest-odoo imports them as odoo.addons.amazon_seller_connector.
default_paths="simulator spapi matching tests"
[ -d "$ROOT/tests_system" ] && default_paths="$default_paths tests_system"
read -r -a paths <<<"${TEST_PATHS:-$default_paths}"
targets=()
for path in "${paths[@]}"; do
    case "$path" in
        tests|tests/*) targets+=("$ADDON/$path") ;;
        *) targets+=("$ROOT/$path") ;;
    esac
done
echo "==> pytest (pytest-odoo, database $TEST_DB): ${paths[*]}"
cd "$ROOT"
# ARGS='-k "one or other"': extra pytest arguments, quoted as in a shell
eval "extra=(${ARGS:-} \"\$@\")"
export ODOO_SRC PY CONF PGDIR PGPORT PGBIN SYS_TEMPLATE
PYTHONPATH="$ODOO_SRC" NO_PROXY=127.0.0.1,localhost \
    "$PY" -m pytest -q -rfEs --odoo-config="$CONF" --odoo-database="$TEST_DB" \
    --odoo-http --odoo-extra=http-interface=127.0.0.1 "${targets[@]}" "${extra[@]}" \
    >"$LOGDIR/pytest.log" 2>&1
rc=$?
grep -E '^(FAILED|ERROR|SKIPPED)' "$LOGDIR/pytest.log" | tail -n 60
tail -n 3 "$LOGDIR/pytest.log"

summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed|error)|no tests ran' "$LOGDIR/pytest.log" | tail -n1)
count() { grep -oE "[0-9]+ $1" <<<"$summary" | grep -oE '[0-9]+' || echo 0; }
passed=$(count passed)
failed=$(( $(count failed) + $(count 'errors?') ))
skipped=$(count skipped)
[ -n "$summary" ] || failed=$((failed + 1))
status=0
[ "$rc" != 0 ] && status=1
[ "$failed" -gt 0 ] && status=1
if [ "$passed" = 0 ]; then echo "ERROR: no test ran"; status=4; fi
if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
    echo "ERROR: $skipped test(s) skipped in CI; tests must not pass by skipping"
    status=3
fi
echo "(log: .local/log/pytest.log)"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
