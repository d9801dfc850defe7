//! Redirect URI registration and matching on arbitrary strings: never a panic, and a match
//! never sends a code to another scheme, host, path or query than the one registered.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trek::auth::redirect_uri::{is_loopback_http, redirect_matches, validate_for_registration};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (registered, requested) = text.split_once('\n').unwrap_or((&text, &text));
    let _ = is_loopback_http(requested);
    if validate_for_registration(registered).is_err() || !redirect_matches(registered, requested) {
        return;
    }
    // What may differ (RFC 3986 §6.2.2.1, RFC 8252 §7.3): the case of scheme and host, and the
    // port of an http loopback URI. Nothing else.
    let (Ok(a), Ok(b)) = (url::Url::parse(registered), url::Url::parse(requested)) else {
        panic!("{requested:?} matched {registered:?} without parsing");
    };
    assert!(a.scheme().eq_ignore_ascii_case(b.scheme()), "{requested:?} changed the scheme of {registered:?}");
    let host = |u: &url::Url| u.host_str().map(str::to_ascii_lowercase);
    assert_eq!(host(&a), host(&b), "{requested:?} changed the host of {registered:?}");
    assert_eq!(a.path(), b.path());
    assert_eq!(a.query(), b.query());
    if a.port() != b.port() {
        assert!(is_loopback_http(registered), "{requested:?} changed the port of non-loopback {registered:?}");
    }
    assert!(b.username().is_empty() && b.password().is_none() && b.fragment().is_none());
});
