//! The bridge's OAuth credentials in an owner-only (0600) JSON file under the data dir, one file
//! per MCP URL. The client registration (`client_id`) is kept with the tokens so one dynamic
//! registration serves every later sign-in.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rmcp::transport::auth::{AuthError, CredentialRefreshGuard, CredentialStore, StoredCredentials};
use tokio::sync::Mutex;

/// Directory (under the data dir) holding one credentials file per MCP URL.
pub const DIR: &str = "bridge";

/// The credentials file for `mcp_url`: its origin and path made into a file name.
pub fn path_for(data_dir: &Path, mcp_url: &url::Url) -> PathBuf {
    let raw = format!(
        "{}{}",
        mcp_url.host_str().unwrap_or("host"),
        mcp_url.port_or_known_default().map(|p| format!("_{p}")).unwrap_or_default()
    );
    let mut name: String = format!("{raw}{}", mcp_url.path())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' })
        .collect();
    if mcp_url.scheme() == "https" {
        name.insert_str(0, "https_");
    }
    data_dir.join(DIR).join(format!("{name}.json"))
}

/// A [`CredentialStore`] backed by one file, written atomically with mode 0600.
#[derive(Debug, Clone)]
pub struct FileCredentialStore {
    path: Arc<PathBuf>,
    // Serialises refreshes inside this process (rmcp holds it across refresh and save).
    refresh: Arc<Mutex<()>>,
}

fn store_error(path: &Path, e: impl std::fmt::Display) -> AuthError {
    AuthError::CredentialStoreError(format!("{}: {e}", path.display()))
}

impl FileCredentialStore {
    pub fn new(path: PathBuf) -> Self {
        Self { path: Arc::new(path), refresh: Arc::new(Mutex::new(())) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored credentials, read synchronously (also used for the stored `client_id`).
    pub fn read(&self) -> Result<Option<StoredCredentials>, AuthError> {
        match std::fs::read(&*self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| store_error(&self.path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(store_error(&self.path, e)),
        }
    }

    fn write(&self, credentials: &StoredCredentials) -> Result<(), AuthError> {
        let text = serde_json::to_string_pretty(credentials).map_err(|e| store_error(&self.path, e))?;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| store_error(dir, e))?;
        restrict_dir(dir).map_err(|e| store_error(dir, e))?;
        // NamedTempFile is created 0600 on Unix; the rename keeps that mode.
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| store_error(dir, e))?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(|e| store_error(&self.path, e))?;
        tmp.as_file().sync_all().map_err(|e| store_error(&self.path, e))?;
        tmp.persist(&*self.path).map_err(|e| store_error(&self.path, e.error))?;
        Ok(())
    }
}

#[cfg(unix)]
fn restrict_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn restrict_dir(_dir: &Path) -> std::io::Result<()> {
    // Windows: the file lives in the user's profile, whose ACL is the user's own.
    Ok(())
}

#[async_trait::async_trait]
impl CredentialStore for FileCredentialStore {
    async fn load(&self) -> Result<Option<StoredCredentials>, AuthError> {
        self.read()
    }

    async fn save(&self, credentials: StoredCredentials) -> Result<(), AuthError> {
        self.write(&credentials)
    }

    async fn clear(&self) -> Result<(), AuthError> {
        match std::fs::remove_file(&*self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(store_error(&self.path, e)),
        }
    }

    async fn acquire_refresh_guard(&self) -> Result<Option<CredentialRefreshGuard>, AuthError> {
        Ok(Some(CredentialRefreshGuard::new(self.refresh.clone().lock_owned().await)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_per_mcp_url() {
        let dir = Path::new("/data");
        let local = path_for(dir, &url::Url::parse("http://127.0.0.1:7823/mcp").unwrap());
        assert_eq!(local, Path::new("/data/bridge/127.0.0.1_7823_mcp.json"));
        let tunnel = path_for(dir, &url::Url::parse("https://trips.example.com/mcp").unwrap());
        assert_eq!(tunnel, Path::new("/data/bridge/https_trips.example.com_443_mcp.json"));
    }

    #[tokio::test]
    async fn saved_credentials_are_owner_only_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileCredentialStore::new(dir.path().join(DIR).join("x.json"));
        assert!(store.load().await.unwrap().is_none());
        store.save(StoredCredentials::new("trekci_1".into(), None, vec![], Some(5))).await.unwrap();
        let loaded = store.load().await.unwrap().unwrap();
        assert_eq!(loaded.client_id, "trekci_1");
        assert_eq!(loaded.token_received_at, Some(5));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path()).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        store.clear().await.unwrap();
        assert!(store.load().await.unwrap().is_none());
    }
}
