"""Command line: ``python -m simulator --port 8765 --generate 200``."""

import argparse
import csv
import json
import sys
import time

from .constants import DEFAULTS, MARKETPLACES


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = any free port")
    p.add_argument("--orders", help="JSON file or folder of JSON files with orders")
    p.add_argument("--generate", type=int, default=0, help="generate N orders")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rate-limits", choices=("amazon", "off"), default="amazon")
    p.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="token buckets refill this many times faster",
    )
    p.add_argument("--seller-id", default=DEFAULTS["seller_id"])
    p.add_argument(
        "--marketplaces",
        default="DE",
        help="comma-separated: " + ",".join(MARKETPLACES),
    )
    p.add_argument(
        "--refresh-token",
        action="append",
        default=[],
        help="register a valid refresh token (repeatable)",
    )
    p.add_argument(
        "--redirect-uri",
        action="append",
        default=[],
        help="registered OAuth redirect URI (repeatable)",
    )
    p.add_argument(
        "--published",
        action="store_true",
        help="the app is published: consent works without version=beta",
    )
    p.add_argument("--access-token-ttl", type=int, default=3600)
    p.add_argument(
        "--feed-seconds",
        type=float,
        default=60.0,
        help="feed processing time (divided by --time-scale; 0 = at once)",
    )
    p.add_argument(
        "--report-seconds",
        type=float,
        default=60.0,
        help="report processing time (divided by --time-scale)",
    )
    p.add_argument(
        "--gzip-reports",
        action="store_true",
        help="feed processing reports are GZIP-compressed (compressionAlgorithm)",
    )
    p.add_argument(
        "--strict-bodies",
        action="store_true",
        help="reject request-body properties the models do not define",
    )
    p.add_argument(
        "--public-url",
        help="base URL clients reach the simulator at (feed/report document URLs)",
    )
    p.add_argument(
        "--no-listings",
        action="store_true",
        help="start without the listings seeded from the catalogue",
    )
    p.add_argument(
        "--unknown-sku-patches",
        choices=("accept", "invalid"),
        default="accept",
        help="patchListingsItem / feed PATCH of an unknown SKU (Amazon: accept)",
    )
    p.add_argument(
        "--write-catalogue",
        metavar="PATH",
        help="write the SKU catalogue (.csv or .json) and keep serving",
    )
    p.add_argument(
        "--no-serve",
        action="store_true",
        help="exit after --write-catalogue instead of serving",
    )
    return p.parse_args(argv)


def write_catalogue(path):
    from .generator import catalogue

    rows = catalogue()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        if path.lower().endswith(".csv"):
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        else:
            json.dump(rows, fh, ensure_ascii=False, indent=1)
    return len(rows)


def main(argv=None):
    args = parse_args(argv)
    if args.write_catalogue:
        count = write_catalogue(args.write_catalogue)
        print(f"Wrote {count} catalogue rows to {args.write_catalogue}", flush=True)
        if args.no_serve:
            return 0
    from .core import Simulator

    sim = Simulator(
        seller_id=args.seller_id,
        marketplaces=tuple(
            m.strip().upper() for m in args.marketplaces.split(",") if m
        ),
        rate_limits=args.rate_limits,
        time_scale=args.time_scale,
        refresh_tokens=tuple(args.refresh_token),
        orders=args.orders,
        generate=args.generate,
        seed=args.seed,
        redirect_uris=tuple(args.redirect_uri),
        access_token_ttl=args.access_token_ttl,
        app_is_draft=not args.published,
        feed_processing_seconds=args.feed_seconds,
        report_processing_seconds=args.report_seconds,
        compress_feed_reports=args.gzip_reports,
        strict_bodies=args.strict_bodies,
        listings=not args.no_listings,
        unknown_sku_patches=args.unknown_sku_patches,
        public_url=args.public_url,
    )
    url = sim.start(args.host, args.port)
    print(f"Amazon simulator listening on {url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
