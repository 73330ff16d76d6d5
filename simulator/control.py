"""The ``/_sim/`` control API (JSON, no authentication) used by tests and tours."""

from .httpd import Response, json_response


class Control:
    def __init__(self, sim):
        self.sim = sim

    def handle(self, request):
        path = request.path[len("/_sim") :]
        try:
            data = request.json() if request.method == "POST" else None
        except ValueError:
            return json_response(400, {"error": "body is not valid JSON"})
        try:
            if request.method == "GET":
                result = self._get(path, request)
            elif request.method == "POST":
                result = self._post(path, data or {})
            else:
                result = None
        except (ValueError, TypeError) as exc:
            return json_response(400, {"error": str(exc)})
        except KeyError as exc:
            return json_response(404, {"error": f"unknown {exc}"})
        if result is None:
            return json_response(
                404, {"error": f"unknown control endpoint {request.method} {path}"}
            )
        if isinstance(result, Response):
            return result
        return json_response(200, result)

    def _get(self, path, request):
        sim = self.sim
        getters = {
            "/calls": sim.call_log,
            "/catalogue": _catalogue,
            "/orders": lambda: {"orders": sim.orders()},
            "/truth": lambda: dict(sim.truth),
            "/config": self._config,
            "/confirmations": lambda: {"confirmations": sim.confirmations()},
            "/listings": lambda: {"listings": sim.listings()},
            "/listing_submissions": lambda: {"submissions": sim.listing_submissions()},
            "/feeds": lambda: {"feeds": sim.feeds()},
            "/invoices": lambda: {
                "invoices": [
                    _without_pdf(i)
                    for i in sim.invoices(request.arg("include_rejected") == "1")
                ]
            },
            "/transactions": lambda: {"transactions": sim.transactions()},
        }
        if path in getters:
            return getters[path]()
        if path.startswith("/orders/"):
            order = sim.order(path[len("/orders/") :])
            if order is None:
                raise KeyError(f"order {path[len('/orders/') :]}")
            return {"order": order}
        if path.startswith("/listings/"):
            listing = sim.listing(_tail(path, "/listings/"))
            if listing is None:
                raise KeyError(f"listing {_tail(path, '/listings/')}")
            return {"listing": listing}
        if path.startswith("/documents/"):
            content = sim.feed_document(_tail(path, "/documents/"))
            if content is None:
                raise KeyError(f"document {_tail(path, '/documents/')}")
            return Response(200, content, {"Content-Type": "application/octet-stream"})
        return None

    def _post(self, path, data):
        sim = self.sim
        simple = {
            "/faults": lambda: {"fault": sim.inject_fault(**data)},
            "/revoke": lambda: {
                "revoked": sim.revoke_refresh_token(data["refresh_token"])
            },
            "/refresh_tokens": lambda: (
                sim.add_refresh_token(data["refresh_token"]),
                {"registered": True},
            )[1],
            "/reset": lambda: (sim.reset(), {"reset": True})[1],
            "/down": lambda: {"down": sim.down(**data)},
            "/up": lambda: (sim.up(), {"down": None})[1],
            "/feeds/process": lambda: {"processed": sim.process_feeds()},
            "/reports/process": lambda: {"processed": sim.process_reports()},
            "/refunds": lambda: {"transaction": sim.add_refund(**data)},
            "/listings": lambda: {"listing": sim.add_listing(**data)},
        }
        if path in simple:
            return simple[path]()
        if path == "/orders":
            return self._orders(data)
        if path.startswith("/orders/"):
            return {"order": sim.update_order(_tail(path, "/orders/"), **data)}
        if path.startswith("/listings/"):
            sku = _tail(path, "/listings/")
            return {
                "listing": sim.set_quantity(
                    sku, data["quantity"], data.get("channel", "DEFAULT")
                )
            }
        return None

    def _orders(self, data):
        if isinstance(data, dict) and "generate" in data:
            orders = self.sim.generate(int(data["generate"]), int(data.get("seed", 0)))
            return {"count": len(orders), "orderIds": [o["orderId"] for o in orders]}
        before = {o["orderId"] for o in self.sim.orders()}
        self.sim.add_orders(data)
        after = {o["orderId"] for o in self.sim.orders()}
        return {"count": len(after) - len(before), "total": len(after)}

    def _config(self):
        sim = self.sim
        return {
            "base_url": sim.base_url,
            "seller_id": sim.seller_id,
            "marketplaces": list(sim.marketplaces),
            "application_id": sim.application_id,
            "client_id": sim.defaults["client_id"],
            "redirect_uris": list(sim.redirect_uris),
            "app_is_draft": sim.app_is_draft,
            "rate_limits": "amazon" if sim.limiter.enabled else "off",
            "feed_processing_seconds": sim.feeds_api.jobs.seconds,
            "report_processing_seconds": sim.reports_api.jobs.seconds,
            "strict_bodies": sim.strict_bodies,
        }


def _tail(path, prefix):
    from urllib.parse import unquote

    return unquote(path[len(prefix) :])


def _without_pdf(invoice):
    return {k: v for k, v in invoice.items() if k != "pdf"}


def _catalogue():
    from .generator import catalogue

    return {"catalogue": catalogue()}
