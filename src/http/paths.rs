//! Every route path, declared once and used by the router, the guard and discovery metadata.

pub const HEALTHZ: &str = "/healthz";
pub const INDEX: &str = "/";
pub const LOGIN_PAGE: &str = "/login";
pub const UI_ASSETS: &str = "/ui/{*file}";
pub const UI_PREFIX: &str = "/ui/";

pub const AUTH_LAUNCH: &str = "/auth/launch";
pub const AUTH_LOGIN: &str = "/auth/login";
pub const AUTH_LOGOUT: &str = "/auth/logout";

/// The read-only page a share link opens, and the JSON it renders (no owner login).
pub const SHARE_PAGE: &str = "/share/{token}";
pub const API_SHARE: &str = "/api/share/{token}";
/// A journey's read-only page and its JSON (Journeys add-on).
pub const JOURNEY_SHARE_PAGE: &str = "/share/journey/{token}";
pub const API_JOURNEY_SHARE: &str = "/api/share/journey/{token}";

pub const API_PREFIX: &str = "/api";
pub const API_STATUS: &str = "/status";
/// Inside the `/api` nest: all trip data as one JSON document.
pub const API_EXPORT: &str = "/export";
/// Beside the `/api` nest (it has its own, larger body limit): read an export back in.
pub const API_IMPORT: &str = "/api/import";
/// MCP client config files (under `/api`): the list, and connect/disconnect one client.
pub const API_CONNECT: &str = "/connect";
pub const API_CONNECT_CLIENT: &str = "/connect/{client}";
/// Public access (under `/api`): settings and status, start, stop.
pub const API_TUNNEL: &str = "/tunnel";
pub const API_TUNNEL_START: &str = "/tunnel/start";
pub const API_TUNNEL_STOP: &str = "/tunnel/stop";
/// Public access (under `/api`): the owner's switch for share links on the public host.
pub const API_TUNNEL_SHARE_LINKS: &str = "/tunnel/share-links";

pub const MCP: &str = "/mcp";

pub const WELL_KNOWN_AS: &str = "/.well-known/oauth-authorization-server";
pub const WELL_KNOWN_OIDC: &str = "/.well-known/openid-configuration";
pub const WELL_KNOWN_PRM: &str = "/.well-known/oauth-protected-resource";
pub const WELL_KNOWN_PRM_MCP: &str = "/.well-known/oauth-protected-resource/mcp";
pub const OAUTH_REGISTER: &str = "/oauth/register";
pub const OAUTH_AUTHORIZE: &str = "/oauth/authorize";
pub const OAUTH_CONSENT_WAIT: &str = "/oauth/consent/wait";
pub const OAUTH_CONSENT_STATUS: &str = "/oauth/consent/status";
pub const OAUTH_TOKEN: &str = "/oauth/token";
pub const OAUTH_REVOKE: &str = "/oauth/revoke";
pub const OAUTH_INTROSPECT: &str = "/oauth/introspect";

/// Paths that browser-based tools on other loopback ports may call cross-origin (with CORS):
/// discovery, registration and the token endpoint.
pub const CROSS_ORIGIN_PATHS: &[&str] =
    &[WELL_KNOWN_AS, WELL_KNOWN_OIDC, WELL_KNOWN_PRM, WELL_KNOWN_PRM_MCP, OAUTH_REGISTER, OAUTH_TOKEN];

/// Path prefixes a request through the public (tunnel) host may reach. Everything else — the
/// UI, `/api`, owner actions — answers only on the loopback hosts (DESIGN.md, security model).
pub const PUBLIC_PREFIXES: &[&str] = &[MCP, "/oauth/", "/.well-known/", "/ui/public/"];

/// Whether `path` may be served to a request that came through the public host.
pub fn is_public_path(path: &str) -> bool {
    PUBLIC_PREFIXES.iter().any(|prefix| {
        path.starts_with(prefix)
            && (prefix.ends_with('/') || path.len() == prefix.len() || path[prefix.len()..].starts_with('/'))
    })
}

/// Share links on the public host (when the owner allows it): the pages and their JSON, by the
/// prefix before the token.
pub const PUBLIC_SHARE_PREFIXES: &[&str] =
    &["/share/journey/", "/share/", "/api/share/journey/", "/api/share/"];
/// Exactly the scripts the share pages load outside `/ui/public/` (`share.html`,
/// `journey-share.html` and their imports); the stylesheet and strings are in `/ui/public/`.
pub const PUBLIC_SHARE_ASSETS: &[&str] =
    &["/ui/share.js", "/ui/journey-share.js", "/ui/dom.js", "/ui/dates.js"];

/// Whether `path` is a share page, its JSON or one of its assets, for the public host with
/// share links allowed. The token must be one plain segment (base64url), so no dot segment,
/// encoded slash or second segment can turn a share prefix into another route.
pub fn is_public_share_path(path: &str) -> bool {
    if PUBLIC_SHARE_ASSETS.contains(&path) {
        return true;
    }
    PUBLIC_SHARE_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix).is_some_and(|token| {
            !token.is_empty() && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_paths_are_only_the_protocol_endpoints() {
        for ok in [
            "/mcp",
            "/mcp/",
            "/oauth/token",
            "/.well-known/oauth-authorization-server",
            "/ui/public/style.css",
        ] {
            assert!(is_public_path(ok), "{ok}");
        }
        for no in ["/", "/api/status", "/mcpx", "/login", "/auth/launch", "/ui/app.js", "/healthz", "/oauth"]
        {
            assert!(!is_public_path(no), "{no}");
        }
    }

    #[test]
    fn public_share_paths_are_the_share_pages_their_json_and_assets_only() {
        for ok in [
            "/share/abc_DEF-123",
            "/share/journey/abc",
            "/api/share/abc",
            "/api/share/journey/abc",
            "/ui/share.js",
            "/ui/journey-share.js",
            "/ui/dom.js",
            "/ui/dates.js",
        ] {
            assert!(is_public_share_path(ok), "{ok}");
        }
        for no in [
            "/share/",
            "/share",
            "/api/share/",
            "/api/share/abc/extra",
            "/share/../api/trips",
            "/share/%2e%2e/api/trips",
            "/api/share/..%2Ftrips",
            "/api/shares",
            "/api/trips",
            "/ui/app.js",
            "/ui/api.js",
            "/ui/share.html",
            "/ui/share.js/x",
            "/",
        ] {
            assert!(!is_public_share_path(no), "{no}");
        }
    }
}
