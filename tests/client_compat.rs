//! What MCP clients written elsewhere needed from Trek (issue 10, found by the Python SDK
//! suite): a 401 on `/mcp` leaves the keep-alive connection usable, an oversized
//! unauthenticated POST is 413, ending a session with DELETE answers 204, and client_credentials
//! grants the part of a wider scope request the machine client is allowed.

use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{TestServer, expect_status};

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#;

/// Reads one HTTP/1.1 response with a `Content-Length` body: (status, head, body).
async fn read_response(stream: &mut TcpStream) -> (u16, String, Vec<u8>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .expect("response within 10 s")
            .expect("read");
        assert!(
            n > 0,
            "connection closed before a full response head: {:?}",
            String::from_utf8_lossy(&buffer)
        );
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let status: u16 = head[9..12].parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or_else(|| panic!("no content-length in {head}"));
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed inside the body");
        body.extend_from_slice(&chunk[..n]);
    }
    (status, head, body)
}

// See: issue 10 — the 401 was sent before the POST body was read, hyper then closed the
// connection, and the Python SDK's retry on the same connection failed.
#[tokio::test]
async fn issue_10_unauthenticated_post_leaves_the_connection_usable() {
    let t = TestServer::start().await;
    let mut stream = TcpStream::connect(("127.0.0.1", t.port)).await.unwrap();
    let host = format!("127.0.0.1:{}", t.port);
    // The request body arrives after the head, the way a client streams it.
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\n\r\n",
        INIT.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stream.write_all(INIT.as_bytes()).await.unwrap();
    let (status, head, _) = read_response(&mut stream).await;
    assert_eq!(status, 401, "{head}");
    assert!(head.to_ascii_lowercase().contains("www-authenticate: bearer"), "{head}");
    assert!(!head.to_ascii_lowercase().contains("connection: close"), "{head}");

    // The same connection carries the next request.
    let again = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n");
    stream.write_all(again.as_bytes()).await.unwrap();
    let (status, _, body) = read_response(&mut stream).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    t.stop().await;
}

#[tokio::test]
async fn issue_10_oversized_unauthenticated_post_is_413() {
    let t = TestServer::start().await;
    let mut stream = TcpStream::connect(("127.0.0.1", t.port)).await.unwrap();
    // Chunked, so no Content-Length lets an outer layer refuse it up front: the body is read.
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n",
        t.port
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 64 * 1024];
    let framed = [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk, b"\r\n".to_vec()].concat();
    for _ in 0..(trek::config::MAX_REQUEST_BODY_BYTES / (64 * 1024) + 2) {
        if stream.write_all(&framed).await.is_err() {
            break; // the server answered and stopped reading
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let (status, head, body) = read_response(&mut stream).await;
    assert_eq!(status, 413, "{head}{}", String::from_utf8_lossy(&body));
    let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["error"], "invalid_request");
    t.stop().await;
}

// See: issue 10 — rmcp answered DELETE with 202; the session is already closed by then.
#[tokio::test]
async fn issue_10_ending_a_session_with_delete_answers_204() {
    let t = TestServer::start().await;
    let token = t.machine_token("trips:read", None).await;
    let session = t.mcp_session(&token).await;
    let deleted = t
        .http
        .delete(t.url("/mcp"))
        .bearer_auth(&token)
        .header("mcp-session-id", &session)
        .header("mcp-protocol-version", "2025-11-25")
        .send()
        .await
        .unwrap();
    expect_status(deleted, 204).await;
    // The session is gone.
    let list = json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/list" });
    expect_status(t.mcp_post(Some(&token), Some(&session), list).await, 404).await;
    t.stop().await;
}

// See: issue 10 — the SDKs' client_credentials providers ask for the scopes of the 401
// challenge (all of them); RFC 6749 §3.3 lets the server grant less and say so in `scope`.
#[tokio::test]
async fn issue_10_client_credentials_grants_the_allowed_part_of_a_wider_request() {
    let t = TestServer::start().await;
    let (id, secret) = t.machine_client("trips:read packing:write").await;
    let token = |scope: &'static str| {
        t.http
            .post(t.url("/oauth/token"))
            .basic_auth(&id, Some(&secret))
            .form(&[("grant_type", "client_credentials"), ("scope", scope)])
            .send()
    };
    let wider = token("trips:read trips:write packing:write budget:read").await.unwrap();
    let granted: serde_json::Value = serde_json::from_str(&expect_status(wider, 200).await).unwrap();
    assert_eq!(granted["scope"], "trips:read packing:write");
    // The token carries only the granted scopes.
    let access = granted["access_token"].as_str().unwrap();
    let session = t.mcp_session(access).await;
    let call = json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "create_trip", "arguments": { "title": "no" } } });
    expect_status(t.mcp_post(Some(access), Some(&session), call).await, 403).await;
    // Nothing in common is still refused, and an unknown scope is still an error.
    for scope in ["budget:write", "trips:read nonsense:scope"] {
        let refused = token(scope).await.unwrap();
        let body: serde_json::Value = serde_json::from_str(&expect_status(refused, 400).await).unwrap();
        assert_eq!(body["error"], "invalid_scope", "{scope}");
    }
    t.stop().await;
}
