//! The owner's data as one document: `GET /api/export` downloads it, `POST /api/import` reads
//! it into an empty Trek (see `store::transfer` for what it holds and what stays behind).

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, middleware};
use tower_http::limit::RequestBodyLimitLayer;

use super::app::AppState;
use super::error::{ApiError, Json};
use super::paths;
use crate::config::MAX_IMPORT_BYTES;
use crate::domain::{Change, ChangeAction};
use crate::store::StoreError;
use crate::store::transfer::{self, Document, ImportError, ImportSummary};

/// `GET /api/export`, mounted inside the `/api` nest.
pub fn routes() -> Router<AppState> {
    Router::new().route(paths::API_EXPORT, get(export))
}

/// `POST /api/import`, mounted beside the `/api` nest because an export is larger than the
/// body limit every other route has; it has its own limit and the same owner check.
pub fn import_route(state: AppState) -> Router<AppState> {
    Router::new()
        .route(paths::API_IMPORT, post(import))
        .layer(RequestBodyLimitLayer::new(MAX_IMPORT_BYTES))
        // axum's extractors have their own 2 MB default; the layer above is the limit here.
        .layer(DefaultBodyLimit::disable())
        .route_layer(middleware::from_fn_with_state(state, super::api::require_owner))
}

async fn export(State(s): State<AppState>) -> Result<Response, ApiError> {
    let now = s.clock.now();
    let doc = s.store.export_all(transfer::timestamp(now)).await.map_err(store_error)?;
    let day = doc.exported_at.get(..10).unwrap_or("export").to_owned();
    let body = serde_json::to_vec_pretty(&doc).map_err(|e| ApiError::internal(&e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"trek-export-{day}.json\"")),
        ],
        body,
    )
        .into_response())
}

async fn import(
    State(s): State<AppState>,
    Json(doc): Json<Document>,
) -> Result<Json<ImportSummary>, ApiError> {
    let summary = s.store.import_all(doc).await.map_err(|e| match e {
        ImportError::Store(e) => store_error(e),
        ImportError::NotEmpty(_) => ApiError::new(StatusCode::CONFLICT, "not_empty", e.to_string()),
        _ => ApiError::new(StatusCode::BAD_REQUEST, "invalid_import", e.to_string()),
    })?;
    // Open views refresh: every imported trip is new to them.
    s.events.publish(
        summary
            .trip_ids
            .iter()
            .map(|&id| Change { entity: "trip", action: ChangeAction::Created, id, trip_id: Some(id) })
            .collect(),
    );
    Ok(Json(summary))
}

fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::DiskFull => ApiError::new(StatusCode::INSUFFICIENT_STORAGE, "disk_full", e.to_string()),
        e => ApiError::internal(&e),
    }
}
