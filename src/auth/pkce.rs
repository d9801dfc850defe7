//! PKCE (RFC 7636) as OAuth 2.1 §4.1.1 requires it: S256 only, checked at `/authorize` and
//! verified in constant time at `/token`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Why a PKCE check failed. The message is fit for `error_description`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PkceError {
    #[error("pkce with S256 is required: code_challenge at /authorize, code_verifier at /token")]
    Missing,
    #[error("code_challenge_method plain is not allowed; use S256")]
    PlainNotAllowed,
    #[error("code_challenge_method must be S256")]
    UnknownMethod,
    #[error("code_challenge must be 43 characters of base64url without padding (S256)")]
    MalformedChallenge,
    #[error("code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~]")]
    MalformedVerifier,
    #[error("code_verifier does not match code_challenge")]
    Mismatch,
}

/// BASE64URL of a SHA-256 digest without padding: always 43 characters.
const CHALLENGE_LEN: usize = 43;
const VERIFIER_LEN: std::ops::RangeInclusive<usize> = 43..=128;

/// At /authorize: challenge required; method must be "S256" — an absent method means `plain`
/// per RFC 7636 §4.3 and is refused; challenge must be exactly 43 chars of base64url without
/// padding.
pub fn check_challenge(challenge: Option<&str>, method: Option<&str>) -> Result<(), PkceError> {
    let challenge = challenge.ok_or(PkceError::Missing)?;
    // RFC 7636 §4.3: the method defaults to "plain", which OAuth 2.1 §4.1.1 lets us refuse.
    // Method names are case-sensitive (§4.2 registers "S256" and "plain").
    match method.unwrap_or("plain") {
        "S256" => {}
        "plain" => return Err(PkceError::PlainNotAllowed),
        _ => return Err(PkceError::UnknownMethod),
    }
    if !is_s256_challenge(challenge) {
        return Err(PkceError::MalformedChallenge);
    }
    Ok(())
}

/// At /token: verifier must be 43-128 chars of [A-Za-z0-9-._~] (§4.1);
/// BASE64URL(SHA256(verifier)) compared to the stored challenge in constant time (subtle).
pub fn verify(verifier: Option<&str>, challenge: &str) -> Result<(), PkceError> {
    // §4.5: the verifier is required once the authorization request carried a challenge.
    let verifier = verifier.ok_or(PkceError::Missing)?;
    let well_formed = VERIFIER_LEN.contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed {
        return Err(PkceError::MalformedVerifier);
    }
    // §4.6: code_challenge == BASE64URL-ENCODE(SHA256(ASCII(code_verifier))).
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if bool::from(computed.as_bytes().ct_eq(challenge.as_bytes())) {
        Ok(())
    } else {
        Err(PkceError::Mismatch)
    }
}

/// The shape of an S256 challenge (§4.2): 43 characters of the base64url alphabet, no `=`.
fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == CHALLENGE_LEN
        && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        // 43 characters carry 258 bits; a real SHA-256 digest leaves the last 2 at zero, which
        // is what a strict decoder checks.
        && URL_SAFE_NO_PAD.decode(challenge).is_ok_and(|d| d.len() == 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 Appendix B: this verifier hashes to this challenge (checked independently with
    /// `echo -n VERIFIER | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '='`).
    const RFC_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const RFC_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn check_challenge_table() {
        fn check(challenge: Option<&str>, method: Option<&str>, expected: Result<(), PkceError>) {
            assert_eq!(check_challenge(challenge, method), expected, "{challenge:?} {method:?}");
        }
        check(Some(RFC_CHALLENGE), Some("S256"), Ok(()));
        check(None, Some("S256"), Err(PkceError::Missing));
        check(None, None, Err(PkceError::Missing));
        // An absent method is plain (RFC 7636 §4.3) and refused.
        check(Some(RFC_CHALLENGE), None, Err(PkceError::PlainNotAllowed));
        check(Some(RFC_CHALLENGE), Some("plain"), Err(PkceError::PlainNotAllowed));
        check(Some(RFC_CHALLENGE), Some("s256"), Err(PkceError::UnknownMethod));
        check(Some(RFC_CHALLENGE), Some("S512"), Err(PkceError::UnknownMethod));
        check(Some(RFC_CHALLENGE), Some(""), Err(PkceError::UnknownMethod));
        // Malformed challenges: empty, short, long, padded, standard base64 alphabet, a
        // verifier sent as if it were a challenge, non-zero trailing bits.
        check(Some(""), Some("S256"), Err(PkceError::MalformedChallenge));
        check(Some(&RFC_CHALLENGE[..42]), Some("S256"), Err(PkceError::MalformedChallenge));
        check(Some(&format!("{RFC_CHALLENGE}A")), Some("S256"), Err(PkceError::MalformedChallenge));
        check(Some(&format!("{RFC_CHALLENGE}=")), Some("S256"), Err(PkceError::MalformedChallenge));
        let std_alphabet = RFC_CHALLENGE.replace('-', "+");
        check(Some(&std_alphabet), Some("S256"), Err(PkceError::MalformedChallenge));
        check(Some(&"a".repeat(64)), Some("S256"), Err(PkceError::MalformedChallenge));
        let last_bits_set = format!("{}N", &RFC_CHALLENGE[..42]);
        check(Some(&last_bits_set), Some("S256"), Err(PkceError::MalformedChallenge));
        check(Some("é".repeat(22).as_str()), Some("S256"), Err(PkceError::MalformedChallenge));
    }

    #[test]
    fn verify_table() {
        fn check(verifier: Option<&str>, challenge: &str, expected: Result<(), PkceError>) {
            assert_eq!(verify(verifier, challenge), expected, "{verifier:?}");
        }
        check(Some(RFC_VERIFIER), RFC_CHALLENGE, Ok(()));
        check(None, RFC_CHALLENGE, Err(PkceError::Missing));
        // Well-formed but wrong verifier.
        let wrong = RFC_VERIFIER.replace('d', "e");
        check(Some(&wrong), RFC_CHALLENGE, Err(PkceError::Mismatch));
        // Sending the challenge itself as the verifier (what a plain client would do).
        check(Some(RFC_CHALLENGE), RFC_CHALLENGE, Err(PkceError::Mismatch));
        // Length bounds of §4.1: 43 and 128 are fine, 42 and 129 are not.
        let v43 = "a".repeat(43);
        let c43 = URL_SAFE_NO_PAD.encode(Sha256::digest(v43.as_bytes()));
        check(Some(&v43), &c43, Ok(()));
        let v128 = "~._-".repeat(32);
        let c128 = URL_SAFE_NO_PAD.encode(Sha256::digest(v128.as_bytes()));
        check(Some(&v128), &c128, Ok(()));
        check(Some(&"a".repeat(42)), RFC_CHALLENGE, Err(PkceError::MalformedVerifier));
        check(Some(&"a".repeat(129)), RFC_CHALLENGE, Err(PkceError::MalformedVerifier));
        check(Some(""), RFC_CHALLENGE, Err(PkceError::MalformedVerifier));
        // Characters outside the unreserved set.
        for bad in ['+', '/', '=', ' ', '%', 'é'] {
            let v = format!("{}{bad}", &RFC_VERIFIER[..42]);
            check(Some(&v), RFC_CHALLENGE, Err(PkceError::MalformedVerifier));
        }
        // A stored challenge that is not the right length never matches (no panic either).
        check(Some(RFC_VERIFIER), "", Err(PkceError::Mismatch));
        check(Some(RFC_VERIFIER), &RFC_CHALLENGE[..42], Err(PkceError::Mismatch));
    }

    #[test]
    fn messages_name_the_parameter() {
        assert!(PkceError::Missing.to_string().contains("code_challenge"));
        assert!(PkceError::PlainNotAllowed.to_string().contains("plain"));
        assert!(PkceError::MalformedVerifier.to_string().starts_with("code_verifier"));
    }
}
