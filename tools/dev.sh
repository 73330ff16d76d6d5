#!/usr/bin/env bash
# Set-up and run helpers behind `make demo`, `make test`, `make odoo`, `make lint`.
# Every step skips what is already done, so a second run is fast.
#
# Local state lives in .local/ (git-ignored):
#   .local/venv        virtualenv (Odoo's requirements + ours)
#   .local/pg          project-local PostgreSQL cluster (socket + data)
#   .local/addons      the addon under its technical name (symlink to this repo)
#   .local/oca         OCA addons of the tests (queue_job, requirements-oca.txt)
#   .local/odoo.conf   Odoo configuration used by every command
#   .local/data        Odoo data dir (filestore, sessions)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE=amazon_seller_connector
LOCAL="$ROOT/.local"
VENV="$LOCAL/venv"
PY="$VENV/bin/python"
PGDIR="$LOCAL/pg"
PGPORT="${PGPORT_LOCAL:-55432}"
PGUSER_ODOO=odoo
CONF="$LOCAL/odoo.conf"
ODOO_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/odoo-src/19.0"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
BASE_MODULES="sale_management,sale_stock,delivery,utm"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mERROR:\033[0m %s\n' "$*" >&2; exit 2; }

# --------------------------------------------------------------------------
# Odoo source
# --------------------------------------------------------------------------
odoo_src() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo-bin" ] || die "ODOO_SRC=$ODOO_SRC has no odoo-bin. Point ODOO_SRC at an Odoo 19.0 source tree."
        echo "$ODOO_SRC"; return
    fi
    if [ -f "$ODOO_CACHE/odoo-bin" ]; then echo "$ODOO_CACHE"; return; fi
    log "Odoo 19.0 source not found; cloning $ODOO_GIT_URL (branch 19.0, shallow) into $ODOO_CACHE"
    mkdir -p "$(dirname "$ODOO_CACHE")"
    if ! git clone --quiet --depth 1 --branch 19.0 "$ODOO_GIT_URL" "$ODOO_CACHE.tmp" >&2; then
        rm -rf "$ODOO_CACHE.tmp"
        die "Could not get the Odoo 19.0 source. Either
  - set ODOO_SRC=/path/to/odoo (a checkout of the odoo/odoo 19.0 branch), or
  - put such a checkout at $ODOO_CACHE, e.g.
      git clone --depth 1 --branch 19.0 https://github.com/odoo/odoo.git $ODOO_CACHE
and run the command again."
    fi
    mv "$ODOO_CACHE.tmp" "$ODOO_CACHE"
    echo "$ODOO_CACHE"
}

# --------------------------------------------------------------------------
# Virtualenv
# --------------------------------------------------------------------------
ensure_venv() {
    local src="$1" stamp want
    want=$(cat "$src/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" \
        "$ROOT/requirements-oca.txt" | sha1sum | cut -c1-16)
    stamp="$VENV/.stamp-$want"
    [ -f "$stamp" ] && return
    log "Building the virtualenv in $VENV (Odoo's requirements without python-ldap, ours, test tools)"
    mkdir -p "$LOCAL"
    [ -x "$PY" ] || python3 -m venv "$VENV"
    { echo 'setuptools<70'; [ -f /etc/xdg/pip/constraints.txt ] && cat /etc/xdg/pip/constraints.txt; true; } > "$LOCAL/pip-constraints.txt"
    grep -v '^python-ldap' "$src/requirements.txt" > "$LOCAL/odoo-requirements.txt"
    if ! PIP_CONSTRAINT="$LOCAL/pip-constraints.txt" "$VENV/bin/pip" install --quiet \
        --disable-pip-version-check -r "$LOCAL/odoo-requirements.txt" \
        -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt" >"$LOCAL/pip.log" 2>&1; then
        grep -v 'WARNING: Location' "$LOCAL/pip.log" | tail -n 30 >&2
        die "Installing the Python requirements failed (full log: $LOCAL/pip.log)."
    fi
    # OCA addons: their wheels require odoo from PyPI, which the source tree is
    rm -rf "$LOCAL/oca"
    if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps \
        --target "$LOCAL/oca" -r "$ROOT/requirements-oca.txt" >>"$LOCAL/pip.log" 2>&1; then
        grep -v 'WARNING: Location' "$LOCAL/pip.log" | tail -n 30 >&2
        die "Installing the OCA addons failed (full log: $LOCAL/pip.log)."
    fi
    rm -f "$VENV"/.stamp-*
    touch "$stamp"
}

# --------------------------------------------------------------------------
# PostgreSQL (project-local cluster, run as a non-root user when we are root)
# --------------------------------------------------------------------------
pg_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return; }
    command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return; }
    die "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them, e.g. 'apt-get install postgresql' (Debian)."
}

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
    local bin; bin=$(pg_bin)
    if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
        log "Creating the project-local PostgreSQL cluster in $PGDIR"
        mkdir -p "$PGDIR/sock"
        [ "$(id -u)" = 0 ] && chown -R postgres: "$PGDIR"
        as_pg "$bin/initdb" -D "$PGDIR/data" -U "$PGUSER_ODOO" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg "$bin/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
        as_pg "$bin/pg_ctl" -D "$PGDIR/data" -w -l "$PGDIR/server.log" \
            -o "-p $PGPORT -k $PGDIR/sock -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null || die "PostgreSQL did not start; see $PGDIR/server.log"
    fi
}

pg_stop() {
    local bin; bin=$(pg_bin)
    [ -f "$PGDIR/data/PG_VERSION" ] || return 0
    as_pg "$bin/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

psql_local() { "$(pg_bin)/psql" -h "$PGDIR/sock" -p "$PGPORT" -U "$PGUSER_ODOO" -d postgres -tAq "$@"; }
db_exists() { [ "$(psql_local -c "SELECT 1 FROM pg_database WHERE datname='$1'")" = 1 ]; }

# --------------------------------------------------------------------------
# Addons path and configuration
# --------------------------------------------------------------------------
ensure_conf() {
    local src="$1"
    mkdir -p "$LOCAL/addons" "$LOCAL/data"
    link_addon
    cat > "$CONF" <<EOF
[options]
addons_path = $src/addons,$src/odoo/addons,$LOCAL/addons,$LOCAL/oca/odoo/addons
data_dir = $LOCAL/data
db_host = $PGDIR/sock
db_port = $PGPORT
db_user = $PGUSER_ODOO
http_interface = 127.0.0.1
list_db = True
without_demo = True
EOF
}

# The addon under its technical name, whatever this clone's folder is called: a
# folder of symlinks to the repository's top-level entries, without .local itself,
# so tools that walk the addons path (Odoo's translation export, linters) never
# recurse into the virtualenv or into the link again.
link_addon() {
    local target="$LOCAL/addons/$MODULE" entry name
    [ -L "$target" ] && rm -f "$target"
    mkdir -p "$target"
    for entry in "$target"/*; do
        [ -L "$entry" ] && [ ! -e "$entry" ] && rm -f "$entry"
    done
    for entry in "$ROOT"/*; do
        name=$(basename "$entry")
        ln -sfn "$entry" "$target/$name"
    done
}

ensure_chromium() {
    local c
    for c in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$c" >/dev/null && return 0
    done
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "Installing Debian's chromium for browser tests"
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2 && return 0
    fi
    printf 'WARNING: no chromium found; browser tests will be skipped. Install it: sudo apt-get install chromium\n' >&2
    return 1
}

setup() {
    local src; src=$(odoo_src)
    ensure_venv "$src"
    ensure_conf "$src"
    pg_start
    echo "$src"
}

# odoo-bin with the project's configuration; a sub-command (shell, db, i18n, ...)
# must come before the options.
odoo_bin() {
    local src="$1"; shift
    local sub=()
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then sub=("$1"); shift; fi
    # `i18n export|import|loadlang` takes its options after the second word
    if [ "${sub[0]:-}" = i18n ] && [ $# -gt 0 ]; then sub+=("$1"); shift; fi
    NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost \
        "$PY" "$src/odoo-bin" "${sub[@]}" -c "$CONF" "$@"
}

# Free TCP port on 127.0.0.1
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cmd="${1:-}"; shift || true
case "$cmd" in
    setup) setup >/dev/null ;;
    odoo)
        src=$(setup)
        odoo_bin "$src" "$@" ;;
    run)  # like odoo, without the set-up checks (for scripts that did them)
        odoo_bin "${ODOO_SRC:?}" "$@" ;;
    pg-stop) pg_stop ;;
    pg-start) pg_start ;;
    env)  # print variables for the other scripts
        src=$(setup)
        printf 'ODOO_SRC=%q\nPY=%q\nCONF=%q\nPGDIR=%q\nPGPORT=%q\nPGBIN=%q\n' "$src" "$PY" "$CONF" "$PGDIR" "$PGPORT" "$(pg_bin)" ;;
    chromium) ensure_chromium ;;
    free-port) free_port ;;
    base-modules) echo "$BASE_MODULES" ;;
    *) die "usage: tools/dev.sh setup|odoo ARGS|pg-start|pg-stop|env|chromium" ;;
esac
