//! Secrets: generated with the OS RNG, shown once, stored only as SHA-256, compared in constant
//! time, and never printed by `Debug`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A secret value (ticket, token, key). `Debug` prints only its prefix.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A new secret: `prefix` followed by 256 random bits, base64url.
    pub fn generate(prefix: &str) -> Self {
        let bytes = random_bytes::<32>();
        Self(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub fn from_string(s: String) -> Self {
        Self(s)
    }

    /// The plain text, for the one moment it is shown or sent.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored instead of the secret.
    pub fn hash(&self) -> [u8; 32] {
        hash(&self.0)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let prefix: String = self.0.chars().take_while(|c| *c != '_').collect();
        write!(f, "Secret({prefix}_…)")
    }
}

/// A random identifier (not a secret): `prefix` + 128 random bits, base64url.
pub fn random_id(prefix: &str) -> String {
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(random_bytes::<16>()))
}

/// SHA-256 of a secret's text. Secrets carry 256 bits of entropy, so a plain hash suffices.
pub fn hash(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Constant-time equality for secret material.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Bytes from the operating system's RNG: the one source of randomness for secrets.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS RNG failing means the machine cannot make secrets at all; nothing sensible follows.
    #[allow(clippy::expect_used)]
    rand::rngs::OsRng.try_fill_bytes(&mut bytes).expect("operating system random number generator failed");
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::generate("trekoa_");
        let shown = format!("{s:?}");
        assert_eq!(shown, "Secret(trekoa_…)");
        assert!(!shown.contains(&s.expose()[7..]));
    }

    #[test]
    fn generated_secrets_are_unique_and_prefixed() {
        let a = Secret::generate("trek_");
        let b = Secret::generate("trek_");
        assert_ne!(a, b);
        assert!(a.expose().starts_with("trek_"));
        assert_eq!(a.expose().len(), "trek_".len() + 43);
    }

    #[test]
    fn ct_eq_compares_content() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }
}
