//! rmcp's Streamable HTTP service behind a Host allow-list that follows the guard's.
//!
//! rmcp copies `allowed_hosts` into its config when the service is built, but the public
//! (tunnel) origin changes at run time. This wrapper rebuilds rmcp's service — cheap: the
//! session manager and handler are shared — when `AllowedOrigins::generation` moves.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::Request;
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;
use rmcp::transport::streamable_http_server::StreamableHttpService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use tower::Service;

use super::service::TrekMcp;
use crate::http::guard::AllowedOrigins;

type Rmcp = StreamableHttpService<TrekMcp, LocalSessionManager>;
/// Builds rmcp's service for one Host allow-list.
pub type Factory = Arc<dyn Fn(Vec<String>) -> Rmcp + Send + Sync>;

#[derive(Clone)]
pub struct FollowHosts {
    allowed: Arc<AllowedOrigins>,
    factory: Factory,
    current: Arc<RwLock<(u64, Rmcp)>>,
}

impl FollowHosts {
    pub fn new(allowed: Arc<AllowedOrigins>, factory: Factory) -> Self {
        let generation = allowed.generation();
        let service = factory(allowed.hosts());
        Self { allowed, factory, current: Arc::new(RwLock::new((generation, service))) }
    }

    /// rmcp's service for the current allow-list (rebuilt if the public origin changed).
    fn service(&self) -> Rmcp {
        let generation = self.allowed.generation();
        if let Ok(current) = self.current.read()
            && current.0 == generation
        {
            return current.1.clone();
        }
        let fresh = (self.factory)(self.allowed.hosts());
        if let Ok(mut current) = self.current.write() {
            *current = (generation, fresh.clone());
        }
        fresh
    }
}

impl Service<Request<Body>> for FollowHosts {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let mut service = self.service();
        Box::pin(async move {
            let response = match service.call(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            Ok(response.into_response())
        })
    }
}
