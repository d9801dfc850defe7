//! Day assignments: a place planned on a day, in order, with optional times and participants.
//! Positions are dense (0, 1, 2, …) within each day after every change.

use super::{Ctx, DomainError};

/// Renumbers every day of the trip's assignments 0, 1, 2, … keeping their order. One
/// statement, whatever the number of days.
pub fn renumber_assignments(cx: &Ctx<'_>, trip_id: i64) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached(
            "UPDATE day_assignments SET position = r.p
             FROM (SELECT a.id, row_number() OVER (PARTITION BY a.day_id ORDER BY a.position, a.id) - 1 AS p
                   FROM day_assignments a JOIN days d ON d.id = a.day_id WHERE d.trip_id = ?1) AS r
             WHERE day_assignments.id = r.id AND day_assignments.position <> r.p",
        )?
        .execute([trip_id])?;
    Ok(())
}
