"""End-to-end: the seed's Kyoto example trip built by the official MCP Python SDK client.

    tests/e2e/.venv/bin/python tests/e2e/kyoto_trip.py <base-url> <owner-login-url>

The client connects as an assistant would (OAuth authorization code + PKCE, the owner approving
with `trek consent approve`) and makes only tool calls from tests/fixtures/kyoto_trip.json (the
same data tests/scenario_kyoto.rs uses): the trip, 16 places, a timed day-by-day itinerary, a
note per day, the hotel booked and linked to its stay, two restaurant reservations, a budget in
EUR, a packing list, a pinned collab note, Japan visited. get_trip_summary must hold all of it.
kyoto_ui.mjs then checks the trip in the owner's UI. Prints PASS/FAIL per step.
"""

import asyncio
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "py"))

import httpx2  # noqa: E402
from mcp import Client  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from trek_e2e import WAIT_S, Browser, Owner, Steps, check, equal, oauth_provider, parse_args, tool_json  # noqa: E402

BASE, LOGIN_URL = parse_args("kyoto_trip.py")
with open(os.path.join(HERE, "..", "fixtures", "kyoto_trip.json"), encoding="utf-8") as f:
    DATA = json.load(f)


async def main(step: Steps) -> None:
    owner = await step("owner logs in with the one-time link", asyncio.to_thread, Owner, BASE, LOGIN_URL)
    browser = Browser(BASE, owner)
    provider, _ = oauth_provider(BASE, browser, "Trek e2e (Kyoto assistant)")
    http = httpx2.AsyncClient(auth=provider, timeout=httpx2.Timeout(WAIT_S, read=60.0))
    async with Client(streamable_http_client(f"{BASE}/mcp", http_client=http), read_timeout_seconds=WAIT_S) as me:

        async def call(tool: str, arguments: dict) -> dict:
            return tool_json(await me.call_tool(tool, arguments))

        async def build() -> tuple[int, list[int]]:
            trip = await call("create_trip", DATA["trip"])
            summary = await call("get_trip_summary", {"trip_id": trip["id"]})
            days = [d["id"] for d in summary["days"]]
            equal(len(days), 7, "one day per date")
            return trip["id"], days

        trip_id, days = await step("connect with OAuth (owner approves) and create the trip", build)

        async def plan() -> None:
            ids = {}
            for place in DATA["places"]:
                ids[place["name"]] = (await call("create_place", {"trip_id": trip_id, **place}))["id"]
            for day, stops in zip(days, DATA["itinerary"]):
                for stop in stops:
                    await call(
                        "assign_place_to_day",
                        {"trip_id": trip_id, "day_id": day, "place_id": ids[stop["place"]],
                         "start_time": stop["start_time"], "end_time": stop["end_time"]},
                    )
            notes = DATA["day_notes"]
            for day, text in zip(days, notes["texts"]):
                await call("create_day_note", {"trip_id": trip_id, "day_id": day, "text": text, "icon": notes["icon"]})
            hotel = {k: v for k, v in DATA["hotel"].items() if k != "place"}
            await call(
                "create_reservation",
                {"trip_id": trip_id, **hotel, "place_id": ids[DATA["hotel"]["place"]],
                 "start_day_id": days[0], "end_day_id": days[-1]},
            )
            for restaurant in DATA["restaurants"]:
                await call("create_reservation", {"trip_id": trip_id, **restaurant})
            for item in DATA["budget"]["items"]:
                await call("create_budget_item", {"trip_id": trip_id, **item})
            await call("bulk_import_packing", {"trip_id": trip_id, **DATA["packing"]})
            await call("create_collab_note", {"trip_id": trip_id, **DATA["collab_note"]})
            await call("mark_country_visited", {"country_code": DATA["visited_country"]})

        await step("places, itinerary, day notes, bookings, budget, packing, note, atlas — tool calls only", plan)

        async def verify() -> None:
            s = await call("get_trip_summary", {"trip_id": trip_id})
            for key in ("title", "start_date", "end_date", "currency"):
                equal(s["trip"][key], DATA["trip"][key], f"trip {key}")
            places = {p["name"]: p for p in s["places"]}
            equal(sorted(places), sorted(p["name"] for p in DATA["places"]), "places")
            for place in DATA["places"]:
                got = places[place["name"]]
                equal((got["lat"], got["lng"]), (place["lat"], place["lng"]), f"{place['name']} coordinates")
            for day, stops, note in zip(s["days"], DATA["itinerary"], DATA["day_notes"]["texts"]):
                planned = [(a["place_name"], a["start_time"], a["end_time"]) for a in day["assignments"]]
                equal(planned, [(x["place"], x["start_time"], x["end_time"]) for x in stops], f"plan of {day['date']}")
                equal([n["text"] for n in day["day_notes"]], [note], f"notes of {day['date']}")
            hotels = [r for r in s["reservations"] if r["type"] == "hotel"]
            equal(len(hotels), 1, "hotel reservations")
            equal(hotels[0]["title"], DATA["hotel"]["title"], "hotel title")
            stays = s["accommodations"]
            equal(len(stays), 1, "accommodations")
            equal(stays[0]["reservation_id"], hotels[0]["id"], "the hotel is linked to its stay")
            equal((stays[0]["start_date"], stays[0]["end_date"]), (DATA["trip"]["start_date"], DATA["trip"]["end_date"]), "stay dates")
            equal(stays[0]["check_in"], DATA["hotel"]["check_in"], "check-in")
            restaurants = sorted(r["title"] for r in s["reservations"] if r["type"] == "restaurant")
            equal(restaurants, sorted(r["title"] for r in DATA["restaurants"]), "restaurant reservations")
            equal(s["budget"]["currency"], "EUR", "budget currency")
            equal(s["budget"]["total"], DATA["budget"]["total"], "budget total (exact decimal)")
            equal(len(s["budget"]["items"]), len(DATA["budget"]["items"]), "budget items")
            packing = {i["name"]: i for i in s["packing"]["items"]}
            equal(len(packing), len(DATA["packing"]["items"]), "packing items")
            equal(packing.get("comfortable walking shoes", {}).get("quantity"), 2, "'2x' became a quantity")
            notes = s["collab_notes"]
            equal([(n["title"], n["pinned"]) for n in notes], [(DATA["collab_note"]["title"], True)], "pinned collab note")
            visited = await call("list_visited_countries", {})
            check('"JP"' in json.dumps(visited), f"Japan visited: {visited}")

        await step("get_trip_summary holds all of it; Japan is visited", verify)
    print(f"kyoto trip id: {trip_id}", flush=True)


if __name__ == "__main__":
    Steps("kyoto_trip").run(main)
