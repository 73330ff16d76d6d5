# Runs inside `odoo-bin shell` (``env`` is given): one Amazon import job of
# a system test, told what to do by environment variables.
#
#   WORKER_ACTION  setup | import | cron | cronloop | now
#   ACCOUNT_ID     the account (import, now)
#   SIM_URL        the simulator (setup)
#   KILL_AT        hook:n  SIGKILL at the n-th call of the hook (see HOOKS)
#   DB_KILL_AT     n       the database connection is cut at the n-th order
#   PAGE_SIZE      orders per searchOrders page
#   (ship)         validate every open Amazon delivery, one batch, commit
#   (send)         run the outbound sender until nothing is due
#   (jobs)         a job-queue worker: run queue_job's jobs as its runner
#                  and controller do, until none is left (JOBS_SECONDS)
#   (enqueue)      at START_AT (epoch seconds), queue the jobs of every
#                  account's import and of every due transmission, commit
#   USE_JOBS       1: switch the job queue on (setup)
#   OPERATIONS     n: so many due transmissions of the last account (setup)
#   TIME_SCALE     Amazon's rates this many times faster (default 1000)
#   SHIP_LIMIT     ship: at most this many deliveries (of ACCOUNT_ID)
#   REQUEUE_AFTER  seconds before a started job without its lock is taken
#                  for dead (queue_job's runner: 10)
import json
import os
import signal
import sys
import time

import psycopg2

from odoo import Command

module = sys.modules["odoo.addons.amazon_seller_connector"]
const = sys.modules["odoo.addons.amazon_seller_connector.const"]
catalogue = sys.modules.get("odoo.addons.amazon_seller_connector.simulator.catalogue")
if catalogue is None:
    import importlib

    catalogue = importlib.import_module(
        "odoo.addons.amazon_seller_connector.simulator.catalogue"
    )

ACTION = os.environ["WORKER_ACTION"]
TOKEN = "Atzr|system-tests"


def report(**values):
    print("WORKER_RESULT " + json.dumps(values), flush=True)


def setup():
    """Products of the catalogue, one linked account per simulator."""
    params = env["ir.config_parameter"].sudo()  # noqa: F821 - odoo shell
    params.set_param(
        "amazon_seller_connector.lwa_client_id",
        "amzn1.application-oa2-client.simulator",
    )
    params.set_param(
        "amazon_seller_connector.lwa_client_secret", "simulator-client-secret"
    )
    params.set_param("amazon_seller_connector.custom_endpoint_hosts", "loopback")
    Product = env["product.product"]  # noqa: F821
    for entry in catalogue.catalogue():
        Product.create({"name": entry["title"], "default_code": entry["sku"]})
    ids = []
    for number, url in enumerate(os.environ["SIM_URL"].split(","), start=1):
        account = env["amazon.seller.account"].create(  # noqa: F821
            {
                "name": f"System {number}",
                "api_base_url": url,
                "import_orders_since": "2020-01-01",
                "marketplace_ids": [
                    Command.set(env.ref("amazon_seller_connector.marketplace_de").ids)  # noqa: F821
                ],
            }
        )
        account.write(
            {
                "state": "linked",
                "selling_partner_id": f"ASYSTEM{number:04d}",
                "refresh_token": TOKEN,
            }
        )
        ids.append(account.id)
    Operation = env["amazon.seller.operation"]  # noqa: F821
    for number in range(int(os.environ.get("OPERATIONS", 0))):
        # due transmissions (never sent in these tests), before the switch
        Operation._amazon_queue(
            account, "stock_quantity", f"system-{number}", {"quantity": number}
        )
    if os.environ.get("USE_JOBS"):
        params.set_param("amazon_seller_connector.use_job_queue", "True")
    env.cr.commit()  # noqa: F821
    report(accounts=ids)


HOOKS = {
    # between pages: before the commit of a page, and right after it
    "commit": ("amazon.seller.account", "_amazon_commit", "before"),
    "aftercommit": ("amazon.seller.account", "_amazon_commit", "after"),
    # inside an order: before it is processed, once its sale order exists,
    # during the confirmation, while its raw data is stored
    "apply": ("amazon.seller.order", "_amazon_apply", "before"),
    "so": ("sale.order", "_amazon_create_from", "after"),
    "confirm": ("sale.order", "action_confirm", "before"),
    "payload": ("amazon.seller.order", "_amazon_store_payload", "before"),
    # the outbound sender: an operation locked, Amazon's answer in hand
    # (accepted, not yet recorded), the commit after an operation
    "lock": ("amazon.seller.operation", "_amazon_lock", "after"),
    "accepted": ("amazon.seller.operation", "_amazon_done", "before"),
    "sent": ("ir.cron", "_commit_progress", "before"),
    # a job: its page fetched and about to be processed, its page processed
    # and the next page queued (not yet committed)
    "page": ("amazon.seller.order", "_amazon_process_payloads", "before"),
    "queued": ("amazon.seller.account", "_amazon_enqueue_import", "after"),
}


def install_kill(spec):
    hook, number = spec.split(":")
    model, method, when = HOOKS[hook]
    cls = type(env[model])  # noqa: F821
    original = getattr(cls, method)
    calls = {"n": 0}

    def killing(self, *args, **kwargs):
        calls["n"] += 1
        if when == "before" and calls["n"] == int(number):
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(self, *args, **kwargs)
        if when == "after" and calls["n"] == int(number):
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(cls, method, killing)


def install_db_kill(number):
    cls = type(env["amazon.seller.order"])  # noqa: F821
    original = cls._amazon_apply
    calls = {"n": 0}

    def cut(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == int(number):
            # the connection is lost: PostgreSQL ends this backend
            self.env.cr.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return original(self, *args, **kwargs)

    cls._amazon_apply = cut


def ship():
    """Validate every open delivery of an Amazon order (DHL, one tracking
    number each) in one batch, as a warehouse validating a wave does."""
    service = env["product.product"].create(  # noqa: F821
        {"name": "Versand", "type": "service"}
    )
    carrier = env["delivery.carrier"].create(  # noqa: F821
        {"name": "DHL Paket", "product_id": service.id}
    )
    pickings = env["stock.picking"].search(  # noqa: F821
        [
            ("sale_id.amazon_binding_id", "!=", False),
            ("picking_type_code", "=", "outgoing"),
            ("state", "not in", ("done", "cancel")),
        ]
        + (
            [
                (
                    "sale_id.amazon_binding_id.account_id",
                    "=",
                    int(os.environ["ACCOUNT_ID"]),
                )
            ]
            if os.environ.get("ACCOUNT_ID")
            else []
        ),
        order="id",
        limit=int(os.environ.get("SHIP_LIMIT", 0)) or None,
    )
    for picking in pickings:
        picking.carrier_id = carrier
        picking.carrier_tracking_ref = f"00340434{picking.id:012d}"
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
    started = time.perf_counter()
    answer = pickings.with_context(skip_backorder=True).button_validate()
    env.cr.commit()  # noqa: F821
    seconds = time.perf_counter() - started
    operations = env["amazon.seller.operation"].search_count([])  # noqa: F821
    report(
        pickings=len(pickings),
        operations=operations,
        done=len(pickings.filtered(lambda p: p.state == "done")),
        seconds=round(seconds, 2),  # the validation and its commit
        answer=str(answer)[:300],
    )


def send():
    Operation = env["amazon.seller.operation"]  # noqa: F821
    runs = 0
    while Operation._amazon_due() and runs < 50:
        Operation._cron_send()
        env.cr.commit()  # noqa: F821
        runs += 1
    report(result="sent", runs=runs)


def run_jobs():
    """Run the job queue's jobs as its runner and controller do (the same
    calls, without HTTP): mark one pending job enqueued, acquire it, run it
    (queue_job commits it, or postpones it on a RetryableJobError); jobs
    left started by a killed worker are taken for dead and run again."""
    from odoo.addons.queue_job.controllers.main import RunJobController
    from odoo.addons.queue_job.jobrunner.runner import Database

    cr = env.cr  # noqa: F821
    requeue = Database._query_requeue_dead_jobs(None).replace(
        "INTERVAL '10 sec'",
        f"INTERVAL '{int(os.environ.get('REQUEUE_AFTER', 10))} sec'",
    )
    deadline = time.time() + float(os.environ.get("JOBS_SECONDS", 300))
    ran = 0
    while time.time() < deadline:
        try:
            uuid = take_job(cr, requeue)
            job = uuid and RunJobController._acquire_job(env, uuid)  # noqa: F821
        except psycopg2.errors.TransactionRollbackError:
            cr.rollback()  # another worker took the same one
            continue
        if uuid is None:
            cr.execute(
                "SELECT count(*) FROM queue_job "
                "WHERE state IN ('pending', 'enqueued', 'started')"
            )
            if not cr.fetchone()[0]:
                break
            cr.commit()
            time.sleep(0.1)
            continue
        if job:
            RunJobController._runjob(env, job)  # noqa: F821
            ran += 1
        env.invalidate_all()  # noqa: F821
    report(result="jobs", ran=ran)


def take_job(cr, requeue):
    """The runner's part: dead jobs back to pending, one due job enqueued."""
    cr.execute(requeue)
    cr.execute(
        """
            UPDATE queue_job SET state = 'enqueued',
                   date_enqueued = now() AT TIME ZONE 'utc'
             WHERE id = (
                SELECT id FROM queue_job
                 WHERE state = 'pending'
                   AND (eta IS NULL OR eta <= now() AT TIME ZONE 'utc')
                 ORDER BY priority, date_created, id
                 LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING uuid
            """
    )
    row = cr.fetchone()
    cr.commit()
    return row[0] if row else None


def enqueue():
    """Queue everything at the same moment as the other workers."""
    accounts = env["amazon.seller.account"].search([("state", "=", "linked")])  # noqa: F821
    operations = env["amazon.seller.operation"]._amazon_due()  # noqa: F821
    env.cr.commit()  # noqa: F821 - the snapshot is taken before the others commit
    time.sleep(max(0.0, float(os.environ["START_AT"]) - time.time()))
    accounts._amazon_enqueue_import()
    operations._amazon_enqueue_send()
    env.cr.commit()  # noqa: F821
    report(result="enqueued", accounts=len(accounts), operations=len(operations))


def run():
    if os.environ.get("PAGE_SIZE"):
        const.IMPORT_PAGE_SIZE = int(os.environ["PAGE_SIZE"])
    if os.environ.get("KILL_AT"):
        install_kill(os.environ["KILL_AT"])
    if os.environ.get("DB_KILL_AT"):
        install_db_kill(os.environ["DB_KILL_AT"])
    Account = env["amazon.seller.account"]  # noqa: F821
    # the simulator is on this machine; no waiting for Amazon's rates
    scale = float(os.environ.get("TIME_SCALE", 1000))
    type(Account)._amazon_client_options = lambda self, purpose="api": {
        "time_scale": scale,
        "max_retries": 2,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
        # job workers share rate limits and tokens, as in production
        "shared": ACTION == "jobs",
    }
    if ACTION == "send":
        send()
        return
    if ACTION == "jobs":
        run_jobs()
        return
    if ACTION == "enqueue":
        enqueue()
        return
    if ACTION == "cron":
        cron = env.ref("amazon_seller_connector.ir_cron_import_orders")  # noqa: F821
        cron.method_direct_trigger()
        report(result="cron")
        return
    if ACTION == "cronloop":  # as Odoo calls it again while accounts remain
        cron = env.ref("amazon_seller_connector.ir_cron_import_orders")  # noqa: F821
        linked = [("state", "=", "linked")]
        runs = 0
        while runs < 1000 and Account.search_count(
            linked
            + ["|", ("last_sync", "=", False), ("import_next_token", "!=", False)]
        ):
            cron.method_direct_trigger()
            env.cr.commit()  # noqa: F821
            env.invalidate_all()  # noqa: F821
            runs += 1
        report(result="cron", runs=runs)
        return
    account = Account.browse(int(os.environ["ACCOUNT_ID"]))
    if ACTION == "now":
        try:
            account.with_user(env.ref("base.user_admin")).action_import_orders()  # noqa: F821
            result = "now"
        except module.exceptions.UserError as error:
            result = f"refused: {error.args[0][:60]}"
    else:
        result = account._amazon_run_import(budget=600)
    env.cr.commit()  # noqa: F821
    report(result=result)


if ACTION == "setup":
    setup()
elif ACTION == "ship":
    ship()
else:
    run()
