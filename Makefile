# Amazon Seller Connector for Odoo 19: developer commands. See README.md.
.PHONY: demo test odoo lint bench simulator setup stop clean help

help:
	@echo "make demo      set everything up and start Odoo with a demo database on http://127.0.0.1:8069"
	@echo "make test      run the whole test suite on a fresh database (ARGS='-k name' for some)"
	@echo "make odoo ARGS='...'  run odoo-bin with the project's configuration"
	@echo "make lint      ruff + pylint-odoo"
	@echo "make bench     benchmarks (figures in bench/results/)"
	@echo "make simulator start the offline Amazon simulator (ARGS='--generate 200')"
	@echo "make stop      stop the project's PostgreSQL"

setup:
	@bash tools/dev.sh setup

demo:
	@bash tools/demo.sh

test:
	@bash tools/test.sh

odoo:
	@bash tools/dev.sh odoo $(ARGS)

lint:
	@bash tools/lint.sh

bench:
	@bash tools/bench.sh $(ARGS)

simulator:
	@bash tools/dev.sh setup && .local/venv/bin/python -m simulator $(ARGS)

stop:
	@bash tools/dev.sh pg-stop

clean: stop
	rm -rf .local
