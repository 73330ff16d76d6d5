#!/usr/bin/env bash
# `make lint`: ruff (format + lint) and pylint-odoo with OCA's mandatory checks.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash tools/dev.sh setup
BIN="$ROOT/.local/venv/bin"
echo "==> ruff"
"$BIN/ruff" check --no-fix .
"$BIN/ruff" format --check .
echo "==> pylint-odoo (OCA mandatory checks)"
# Lint the addon as a package under its technical name (the symlink in .local/addons).
cd "$ROOT/.local/addons"
"$BIN/pylint" --rcfile="$ROOT/.pylintrc" --ignore=simulator amazon_seller_connector
echo "==> lint clean"
