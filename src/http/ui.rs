//! The static UI (`ui/`), embedded in the binary at build time.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

use super::app::AppState;
use super::error::ApiError;
use super::paths;

#[derive(RustEmbed)]
#[folder = "ui/"]
struct Assets;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::INDEX, get(|| async { page(StatusCode::OK, "index.html") }))
        .route(paths::LOGIN_PAGE, get(|| async { page(StatusCode::OK, "login.html") }))
        .route(paths::UI_ASSETS, get(asset))
}

async fn asset(Path(file): Path<String>) -> Response {
    // Pages are served at their own routes; `/ui/` holds only scripts, styles and images.
    if file.ends_with(".html") {
        return not_found();
    }
    serve(StatusCode::OK, &file).unwrap_or_else(not_found)
}

/// Serves an embedded HTML page with the given status.
pub fn page(status: StatusCode, name: &str) -> Response {
    serve(status, name).unwrap_or_else(not_found)
}

fn serve(status: StatusCode, name: &str) -> Option<Response> {
    let file = Assets::get(name)?;
    let mime = file.metadata.mimetype().to_owned();
    let mut response = (status, file.data.into_owned()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(&mime).ok()?);
    // The UI changes with the binary; always revalidate.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Some(response)
}

fn not_found() -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such file").into_response()
}
