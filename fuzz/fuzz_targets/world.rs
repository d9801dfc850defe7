//! What the registry-driven targets share: one store on a temp file with its owner, a runtime,
//! and calls through the operation registry exactly as MCP and the UI make them.

use std::sync::OnceLock;

use trek::auth::scopes::ScopeSet;
use trek::domain::{Actor, Change};
use trek::ops::{OpError, registry};
use trek::store::owner::ensure_owner;
use trek::store::{Store, StoreError};

/// A fixed "now": targets never read the clock.
pub const NOW: i64 = 1_800_000_000;

pub struct World {
    runtime: tokio::runtime::Runtime,
    pub store: Store,
    owner: Actor,
    _dir: tempfile::TempDir,
}

impl World {
    /// Calls `name` as the owner with every scope.
    pub fn call(&self, name: &str, args: serde_json::Value) -> Result<(serde_json::Value, Vec<Change>), OpError> {
        self.runtime.block_on(registry().execute(&self.store, name, self.owner, ScopeSet::all(), NOW, args))
    }
}

/// One world for the whole run (fuzz targets run millions of inputs; a store each would
/// measure file creation instead of the code under test).
pub fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("trek.db")).unwrap();
        let user = runtime.block_on(store.write(|tx| Ok::<_, StoreError>(ensure_owner(tx, NOW)?))).unwrap();
        World { runtime, store, owner: Actor { user }, _dir: dir }
    })
}
