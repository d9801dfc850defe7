//! One integration-test binary (ripgrep's layout): each module is a black-box suite that
//! starts the real server on 127.0.0.1:0 with a temp data dir and speaks HTTP to it.

// Tests state their expectations with unwrap/expect; a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// Test helpers: TestServer, HTTP clients, assertions.
mod support;

// Host/Origin guard, security headers, body limit, public-host restrictions.
mod http_guard;
// Owner login: launch tickets, cookies, password login, /api 401.
mod owner_session;
// Store: migrations on restart, integrity check and backup through the CLI.
mod store;
// Backups (daily, pre-migration, retention), damaged-file refusal, restore, full disk.
mod backups;
// The real `trek` binary: taken port, login-link, db commands, graceful shutdown.
mod cli;
// OAuth happy paths: discovery, registration kinds, code flow with consent, grants, CLI.
mod oauth_flows;
// OAuth attacks: one test per attack, checking the error and the stored consequence.
mod oauth_attacks;
// Client config files (trek connect, /api/connect): every client, merge, refusals, disconnect.
mod connect;
// The MCP endpoint: both protocol eras, bearer auth, scopes, limits, sessions.
mod mcp;
// The UI API over the registry, live events, the MCP switch.
mod api_ops;
// "Pause AI access": refusals on a live session, resume without reconnecting, reads choice, CLI.
mod ai_pause;
// Build information in `trek --version`, `/healthz` and the library's constants.
mod build_info;
// App preferences: the first-run welcome (once), autostart (desktop only, stored, announced).
mod prefs_api;
// Settings endpoints: owner password set/change, backups listed and taken on demand.
mod settings_api;
// Shared harness for the ops_* suites: a store on a temp file and registry calls as the owner.
mod ops_support;
// Trip operations: update (dates keep day content), delete, members, access rules.
mod ops_trips;
// copy_trip: deep equality with the source modulo ids, progress reset, date shift, access.
mod ops_copy;
// Place operations: categories, places with filters, user-scoped tags, access rules.
mod ops_places;
// Day planning: days, assignments (dense positions, times, participants), notes, summary.
mod ops_days;
// Budget: exact money, splits, paid marks, per-person totals, settlement, access rules.
mod ops_budget;
// Packing: items, dense order, bulk import, templates, bags, category assignees, access rules.
mod ops_packing;
// Bookings: reservations (pending, day order, hotels and their stays), accommodations, access.
mod ops_bookings;
// To-dos (dense order, null clears, member assignees, category defaults) and collab notes.
mod ops_todos;
// iCalendar export: events, times, escaping and folding read back by another parser, access.
mod ops_ics;
// Atlas: visited countries (ISO 3166-1 alpha-2) and the bucket list, per user.
mod ops_atlas;
// Collab polls and chat: voting rules, limits, own-only delete, reactions, pagination.
mod ops_collab;
// Notifications through the registry: dedupe, coalescing, paging, marks, cap, due reminders.
mod ops_notifications;
// Notifications from real events on the server: connection requests, assistant changes, expiry.
mod notifications;
// Journeys: entries across trips, contributors, limits, journey scopes, the share link.
mod ops_journeys;
// Atlas add-on: regions (ISO 3166-2), statistics by continent, country places, bucket list edits.
mod ops_atlas_extended;
// Vacay: years, days, weekends, company holidays, allowance and carry-over arithmetic.
mod ops_vacay;
// Vacay sharing (invites among companions, dissolving) and holiday calendars (Nager.Date stand-in).
mod ops_vacay_sharing;
// The add-on switch: hidden everywhere when off, calls refused, sessions ended, CLI round trip.
mod addons;
// Share links: defaults, update keeps the token, owner-only writes, scopes, cascade.
mod ops_share;
// The public share page and its JSON: flags vs sections, headers, 404s, no ids or emails.
mod share_page;
// Property tests through the registry: dense positions under random edits, date ranges.
mod properties;
// Export all data as JSON and import it into an empty Trek: identical reads, refusals, HTTP, CLI.
mod transfer;
// The seed's Kyoto example through MCP tool calls, checked in get_trip_summary.
mod scenario_kyoto;
// What outside MCP clients needed (issue 10): keep-alive after 401, 413, DELETE 204, scopes.
mod client_compat;
// Crash safety: SIGKILL of the real `trek serve` mid-write loses no acknowledged call.
mod crash_safety;
// World data: geocoding, maps links, Google Places, weather and holidays against local fake providers.
mod world;
// Public access: the tunnel supervisor with a cloudflared stand-in, public-host isolation, attacks.
mod tunnel;
