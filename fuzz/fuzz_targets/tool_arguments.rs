//! Arbitrary JSON arguments for every operation, through the registry as MCP and the UI call
//! it: a result or an error naming what was wrong, never a panic or a database error.
#![no_main]

mod world;

use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use trek::domain::DomainError;
use trek::ops::{OpError, registry};
use trek::store::StoreError;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, json)) = data.split_first() else { return };
    let Ok(args) = serde_json::from_slice::<serde_json::Value>(json) else { return };
    let world = world::world();
    // A trip with days, so small ids in the inputs resolve to real rows.
    static SEED: Once = Once::new();
    SEED.call_once(|| {
        let trip = serde_json::json!({"title": "Seed", "start_date": "2027-04-01", "end_date": "2027-04-03"});
        world.call("create_trip", trip).unwrap();
    });
    let ops = registry().all();
    let name = ops[pick as usize % ops.len()].meta.name;
    if let Err(OpError::Domain(DomainError::Store(e))) = world.call(name, args) {
        assert!(matches!(e, StoreError::DiskFull), "{name}: bad input reached the database as an error: {e}");
    }
});
