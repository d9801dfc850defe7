//! Redirect URI registration and matching on arbitrary strings: never a panic, and a match
//! never sends a code to another scheme, host or path than the one registered.
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
    if registered == requested {
        return;
    }
    // Only the port of an http loopback URI may differ (RFC 8252 §7.3).
    let (Ok(a), Ok(b)) = (url::Url::parse(registered), url::Url::parse(requested)) else {
        panic!("{requested:?} matched {registered:?} without parsing");
    };
    assert!(is_loopback_http(registered), "{requested:?} matched non-loopback {registered:?}");
    assert_eq!(a.scheme(), b.scheme());
    assert_eq!(a.host_str(), b.host_str());
    assert_eq!(a.path(), b.path());
    assert_eq!(a.query(), b.query());
    assert!(b.username().is_empty() && b.password().is_none() && b.fragment().is_none());
});
