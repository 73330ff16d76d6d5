"""The ``/_sim/`` control API (JSON, no authentication) used by tests and tours."""

from .httpd import json_response


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
            return self._route(request.method, path, data)
        except (ValueError, TypeError) as exc:
            return json_response(400, {"error": str(exc)})
        except KeyError as exc:
            return json_response(404, {"error": f"unknown order {exc}"})

    def _route(self, method, path, data):
        sim = self.sim
        if method == "GET":
            getters = {
                "/calls": sim.call_log,
                "/catalogue": _catalogue,
                "/orders": lambda: {"orders": sim.orders()},
                "/truth": lambda: dict(sim.truth),
                "/config": self._config,
            }
            if path in getters:
                return json_response(200, getters[path]())
        elif path == "/orders":
            return json_response(200, self._orders(data))
        elif path.startswith("/orders/"):
            order = sim.update_order(path[len("/orders/") :], **(data or {}))
            return json_response(200, {"order": order})
        elif path == "/faults":
            return json_response(200, {"fault": sim.inject_fault(**(data or {}))})
        elif path == "/revoke":
            return json_response(
                200, {"revoked": sim.revoke_refresh_token(data["refresh_token"])}
            )
        elif path == "/refresh_tokens":
            sim.add_refresh_token(data["refresh_token"])
            return json_response(200, {"registered": True})
        elif path == "/reset":
            sim.reset()
            return json_response(200, {"reset": True})
        return json_response(
            404, {"error": f"unknown control endpoint {method} {path}"}
        )

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
        }


def _catalogue():
    from .generator import catalogue

    return {"catalogue": catalogue()}
