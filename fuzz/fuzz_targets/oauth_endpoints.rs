//! Arbitrary bodies and queries against the real OAuth endpoints of a running server: every
//! answer is a 2xx/3xx/4xx, never a 5xx or a dropped connection.
#![no_main]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// One server for the whole run, on its own runtime thread.
fn port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            runtime.block_on(async move {
                let dir = tempfile::tempdir().unwrap();
                let config = trek::Config::new(0, Some(dir.path().to_owned()), None).unwrap();
                let server = trek::Server::start(config).await.unwrap();
                tx.send(server.local_addr().port()).unwrap();
                std::future::pending::<()>().await;
                drop((server, dir));
            });
        });
        rx.recv().unwrap()
    })
}

const TARGETS: &[(&str, &str, &str)] = &[
    ("POST", "/oauth/token", "application/x-www-form-urlencoded"),
    ("POST", "/oauth/register", "application/json"),
    ("POST", "/oauth/revoke", "application/x-www-form-urlencoded"),
    ("POST", "/oauth/introspect", "application/x-www-form-urlencoded"),
    ("GET", "/oauth/authorize?", ""),
    ("GET", "/oauth/consent/status?", ""),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let (method, path, content_type) = TARGETS[pick as usize % TARGETS.len()];
    let port = port();
    let mut request = Vec::new();
    if method == "GET" {
        // The query is the fuzzed part; bytes a request line cannot hold are percent-encoded.
        let query: String = body.iter().map(|&b| if b.is_ascii_graphic() && b != b'#' { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
        write!(request, "GET {path}{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
    } else {
        write!(
            request,
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        request.extend_from_slice(body);
    }
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(&request).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let status = response.get(9..12).and_then(|s| std::str::from_utf8(s).ok()).unwrap_or("");
    assert!(
        matches!(status.as_bytes().first(), Some(b'2' | b'3' | b'4')),
        "{method} {path} answered {:?}",
        String::from_utf8_lossy(&response[..response.len().min(300)])
    );
});
