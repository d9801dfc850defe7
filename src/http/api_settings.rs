//! The Settings page's owner endpoints: the owner password (set or change it for the `/login`
//! page) and the database's backups (list, back up now, restore one while Trek runs — by name,
//! never by path; the current database is kept as a pre-restore backup first).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::app::AppState;
use super::error::{ApiError, Json};
use crate::auth::AuthError;
use crate::store::backups::{self, Backup};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/owner/password", get(password_state).put(change_password))
        .route("/backups", get(list_backups).post(backup_now))
        .route("/backups/restore", post(restore_backup))
}

#[derive(Serialize)]
struct PasswordState {
    is_set: bool,
}

async fn password_state(State(state): State<AppState>) -> Result<Json<PasswordState>, ApiError> {
    Ok(Json(PasswordState { is_set: state.owner.has_password().await? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangePassword {
    /// Required when a password is set already.
    current_password: Option<String>,
    new_password: String,
}

/// Errors name the field (`current_password: …`), like operation errors, so the UI puts them
/// beside it. A wrong current password is a 400, not a 401: the session itself is fine.
async fn change_password(
    State(state): State<AppState>,
    Json(body): Json<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    match state.owner.change_password(body.current_password, body.new_password).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(AuthError::WrongPassword) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "wrong_password",
            "current_password: this is not the current password",
        )),
        Err(e @ AuthError::PasswordTooShort { .. }) => {
            Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid", format!("new_password: {e}")))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize)]
struct BackupList {
    /// The folder holding them.
    dir: String,
    backups: Vec<Backup>,
}

async fn list_backups(State(state): State<AppState>) -> Result<Json<BackupList>, ApiError> {
    let db = state.store.path().to_path_buf();
    let list = tokio::task::spawn_blocking(move || BackupList {
        dir: backups::dir_for(&db).display().to_string(),
        backups: backups::list(&db),
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(list))
}

/// Takes a `manual` backup with SQLite's online backup API (safe while serving).
async fn backup_now(State(state): State<AppState>) -> Result<(StatusCode, Json<Backup>), ApiError> {
    let db = state.store.path().to_path_buf();
    let now = state.clock.now();
    let backup = tokio::task::spawn_blocking(move || backups::take(&db, backups::Kind::Manual, now))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| {
            tracing::error!(error = %e, "backup failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "backup_failed",
                format!("the backup failed: {e}"),
            )
        })?;
    Ok((StatusCode::CREATED, Json(backup)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RestoreRequest {
    /// A backup's file name as the list shows it.
    name: String,
}

#[derive(Serialize)]
struct RestoreOutcome {
    restored: String,
    /// The database as it was just before, kept as a pre-restore backup.
    previous: Option<std::path::PathBuf>,
    schema_version: i64,
}

/// Restores a backup into the running Trek. Everyone's next read sees it; the owner's login
/// sessions survive it.
async fn restore_backup(
    State(state): State<AppState>,
    Json(body): Json<RestoreRequest>,
) -> Result<Json<RestoreOutcome>, ApiError> {
    let db = state.store.path().to_path_buf();
    let name = body.name.clone();
    let found = tokio::task::spawn_blocking(move || backups::by_name(&db, &name))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid", format!("name: {e}")))?;
    let Some(path) = found else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "name: there is no backup with this name",
        ));
    };
    let restored = state.store.restore(path, state.clock.now()).await.map_err(|e| {
        tracing::error!(error = %e, "restore failed");
        ApiError::new(
            StatusCode::CONFLICT,
            "restore_failed",
            format!("name: this backup cannot be restored ({e}); nothing was changed"),
        )
    })?;
    tracing::info!(backup = %body.name, "restored a backup");
    Ok(Json(RestoreOutcome {
        restored: body.name,
        previous: restored.previous,
        schema_version: restored.schema_version,
    }))
}
