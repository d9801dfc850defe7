//! Connecting MCP clients by config file (issue 9), for every client in the table: writing into
//! a missing file; into a file with other servers and unknown keys (kept byte-for-byte, original
//! backed up once); a file that already has our entry (refused without force, replaced with it,
//! untouched when identical); an unparseable file (refused with line and column, unchanged, no
//! backup); disconnect removing only our entry. Then the owner endpoints (`/api/connect`: owner
//! session, conflict answer, refusals) and the `trek connect` CLI.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use trek::connect::{self, CLIENTS, Change, Client, ConnectError, Dirs, Os, Syntax, Target, Via};

use crate::support::{TestServer, expect_status, trek_bin};

const URL: &str = "http://127.0.0.1:7823/mcp";

fn dirs(root: &Path) -> Dirs {
    // macOS rows give every client a path (Claude Desktop has none on Linux).
    Dirs { os: Os::Macos, home: root.join("home"), config: root.join("config") }
}

fn target() -> Target {
    Target { mcp_url: URL.into(), trek_program: "/opt/trek/bin/trek".into() }
}

fn path_of(client: &Client, dirs: &Dirs) -> PathBuf {
    (client.path)(dirs).unwrap()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Our entry as the client reads it back (through a JSONC parser, like the client's own).
fn our_entry(client: &Client, text: &str) -> Option<Value> {
    connect::edit::entry(text, client.syntax, client.container, connect::SERVER_NAME).unwrap()
}

/// A user's file: another server, keys Trek knows nothing about and, where allowed, comments.
fn existing_file(client: &Client) -> String {
    let c = client.container;
    match client.syntax {
        Syntax::Json => format!(
            "{{\n    \"theme\": \"dark\",\n    \"{c}\": {{\n        \"other\": {{\n            \"command\": \"node\",\n            \"args\": [\"server.js\"]\n        }}\n    }},\n    \"numStartups\": 42\n}}\n"
        ),
        Syntax::Jsonc => format!(
            "// my settings\n{{\n  \"theme\": \"dark\", // keep me\n  \"{c}\": {{\n    \"other\": {{ \"command\": \"node\", \"args\": [\"server.js\"] }}, // mine\n  }},\n  /* block */ \"unknown\": {{ \"x\": [1, 2] }},\n}}\n"
        ),
    }
}

fn expected_entry(client: &Client) -> Value {
    connect::entry(client, client.default_via, &target()).unwrap()
}

#[test]
fn missing_file_is_created_with_only_our_entry() {
    for client in CLIENTS {
        let tmp = tempfile::tempdir().unwrap();
        let d = dirs(tmp.path());
        let outcome = connect::connect(client, &d, client.default_via, &target(), false).unwrap();
        assert_eq!(outcome.change, Change::Created, "{}", client.id);
        assert_eq!(outcome.backup, None, "{}: nothing to back up", client.id);
        let path = path_of(client, &d);
        assert_eq!(outcome.path, path);
        let written: Value = serde_json::from_str(&read(&path)).unwrap();
        assert_eq!(written, json!({ client.container: { "trek": expected_entry(client) } }), "{}", client.id);
    }
}

#[test]
fn entries_have_each_clients_format() {
    let t = target();
    let find = |id| connect::clients::find(id).unwrap();
    let bridge = json!({ "command": "/opt/trek/bin/trek", "args": ["bridge", URL] });
    assert_eq!(expected_entry(find("claude-desktop")), bridge);
    assert_eq!(expected_entry(find("claude-code")), json!({ "type": "http", "url": URL }));
    assert_eq!(expected_entry(find("cursor")), json!({ "url": URL }));
    assert_eq!(expected_entry(find("vscode")), json!({ "type": "http", "url": URL }));
    assert_eq!(expected_entry(find("windsurf")), json!({ "serverUrl": URL }));
    assert_eq!(expected_entry(find("zed")), json!({ "url": URL }));
    // Asked for: mcp-remote (VS Code's stdio entries carry a type), or the bridge anywhere.
    assert_eq!(
        connect::entry(find("vscode"), Via::McpRemote, &t).unwrap(),
        json!({ "type": "stdio", "command": "npx", "args": ["-y", "mcp-remote", URL] })
    );
    assert_eq!(connect::entry(find("cursor"), Via::Bridge, &t).unwrap(), bridge);
    // Claude Desktop's file has no URL entries.
    assert!(matches!(
        connect::entry(find("claude-desktop"), Via::Native, &t),
        Err(ConnectError::NoUrlEntry { .. })
    ));
}

#[test]
fn existing_file_keeps_everything_else_byte_for_byte() {
    for client in CLIENTS {
        let tmp = tempfile::tempdir().unwrap();
        let d = dirs(tmp.path());
        let path = path_of(client, &d);
        let original = existing_file(client);
        write(&path, &original);

        let outcome = connect::connect(client, &d, client.default_via, &target(), false).unwrap();
        assert_eq!(outcome.change, Change::Added, "{}", client.id);
        let backup = outcome.backup.clone().expect("the first change backs the original up");
        assert_eq!(backup, connect::backup_path(&path));
        assert_eq!(read(&backup), original, "{}: backup is the original", client.id);

        let updated = read(&path);
        assert_eq!(our_entry(client, &updated), Some(expected_entry(client)), "{}", client.id);
        // The other server and unknown keys are still there, written exactly as before.
        for kept in ["\"theme\": \"dark\"", "\"other\": {", "\"args\": [\"server.js\"]"] {
            assert!(updated.contains(kept), "{}: lost {kept} in\n{updated}", client.id);
        }
        // Removing our entry gives back the user's file exactly.
        let removed = connect::disconnect(client, &d).unwrap();
        assert_eq!(removed.change, Change::Removed, "{}", client.id);
        assert_eq!(removed.backup, None, "{}: the first backup is kept, not replaced", client.id);
        assert_eq!(read(&path), original, "{}: disconnect restores the original bytes", client.id);
        assert_eq!(read(&backup), original);
    }
}

#[test]
fn our_existing_entry_is_refused_without_force_and_replaced_with_it() {
    for client in CLIENTS {
        let tmp = tempfile::tempdir().unwrap();
        let d = dirs(tmp.path());
        let path = path_of(client, &d);
        let old = json!({ "command": "npx", "args": ["-y", "mcp-remote", "http://127.0.0.1:9999/mcp"] });
        write(
            &path,
            &serde_json::to_string_pretty(
                &json!({ client.container: { "trek": old, "other": {"url": "x"} } }),
            )
            .unwrap(),
        );
        let before = read(&path);

        match connect::connect(client, &d, client.default_via, &target(), false) {
            Err(ConnectError::Exists { current, path: p }) => {
                assert_eq!(current, old, "{}", client.id);
                assert_eq!(p, path);
            }
            other => panic!("{}: expected Exists, got {other:?}", client.id),
        }
        assert_eq!(read(&path), before, "{}: refused means unchanged", client.id);
        assert!(!connect::backup_path(&path).exists(), "{}: no backup without a change", client.id);

        let forced = connect::connect(client, &d, client.default_via, &target(), true).unwrap();
        assert_eq!(forced.change, Change::Replaced, "{}", client.id);
        let after = read(&path);
        assert_eq!(our_entry(client, &after), Some(expected_entry(client)), "{}", client.id);
        assert!(after.contains("\"other\": {"), "{}", client.id);

        // The same entry again is a no-op: nothing written, even without force.
        let again = connect::connect(client, &d, client.default_via, &target(), false).unwrap();
        assert_eq!(again.change, Change::Unchanged, "{}", client.id);
        assert_eq!(read(&path), after);
    }
}

#[test]
fn unparseable_file_is_refused_with_its_location_and_left_alone() {
    for client in CLIENTS {
        let tmp = tempfile::tempdir().unwrap();
        let d = dirs(tmp.path());
        let path = path_of(client, &d);
        let broken = format!("{{\n  \"{}\": {{ \"other\": tru }}\n}}\n", client.container);
        write(&path, &broken);

        let err = connect::connect(client, &d, client.default_via, &target(), true).unwrap_err();
        match &err {
            ConnectError::Unparseable {
                path: p,
                source: connect::edit::EditError::Syntax { line, .. },
                ..
            } => {
                assert_eq!(p, &path);
                assert_eq!(*line, 2, "{}: {err}", client.id);
            }
            other => panic!("{}: expected Unparseable, got {other:?}", client.id),
        }
        let message = err.to_string();
        assert!(message.contains("line 2 column"), "{}: {message}", client.id);
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert_eq!(read(&path), broken, "{}: unchanged", client.id);
        assert!(!connect::backup_path(&path).exists());
        assert!(connect::disconnect(client, &d).is_err(), "{}: disconnect refuses it too", client.id);
        assert_eq!(read(&path), broken);
    }
    // Comments are fine in VS Code's and Zed's files but not in strict JSON ones.
    let tmp = tempfile::tempdir().unwrap();
    let d = dirs(tmp.path());
    let cursor = connect::clients::find("cursor").unwrap();
    write(&path_of(cursor, &d), "{\n  // note\n  \"mcpServers\": {}\n}\n");
    assert!(matches!(
        connect::connect(cursor, &d, Via::Native, &target(), false),
        Err(ConnectError::Unparseable { .. })
    ));
}

#[test]
fn disconnect_removes_only_our_entry() {
    for client in CLIENTS {
        let tmp = tempfile::tempdir().unwrap();
        let d = dirs(tmp.path());
        let path = path_of(client, &d);
        assert_eq!(
            connect::disconnect(client, &d).unwrap().change,
            Change::NotPresent,
            "{}: no file",
            client.id
        );
        assert!(!path.exists(), "{}: disconnect creates nothing", client.id);

        write(&path, &existing_file(client));
        assert_eq!(connect::disconnect(client, &d).unwrap().change, Change::NotPresent);
        assert_eq!(read(&path), existing_file(client), "{}: untouched", client.id);

        connect::connect(client, &d, client.default_via, &target(), false).unwrap();
        let status = connect::status(client, &d);
        assert!(status.connected && status.detected, "{}: {status:?}", client.id);
        connect::disconnect(client, &d).unwrap();
        let text = read(&path);
        assert_eq!(our_entry(client, &text), None);
        assert!(text.contains("\"other\""), "{}", client.id);
        assert!(!connect::status(client, &d).connected);
    }
}

#[cfg(unix)]
#[test]
fn symlinked_config_stays_a_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let d = dirs(tmp.path());
    let cursor = connect::clients::find("cursor").unwrap();
    let path = path_of(cursor, &d);
    let real = tmp.path().join("dotfiles").join("cursor-mcp.json");
    write(&real, "{\"mcpServers\": {}}\n");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&real, &path).unwrap();
    connect::connect(cursor, &d, Via::Native, &target(), false).unwrap();
    assert!(std::fs::symlink_metadata(&path).unwrap().file_type().is_symlink());
    assert_eq!(our_entry(cursor, &read(&real)), Some(json!({ "url": URL })));
}

async fn server_with_clients(root: &Path) -> TestServer {
    let d = dirs(root);
    TestServer::start_configured(None, None, move |config| config.client_dirs = Some(d)).await
}

#[tokio::test]
async fn owner_endpoints_list_connect_and_disconnect() {
    let tmp = tempfile::tempdir().unwrap();
    let t = server_with_clients(tmp.path()).await;
    let d = dirs(tmp.path());
    let mcp_url = t.url("/mcp");

    // Owner only.
    let anonymous = t.http.get(t.url("/api/connect")).send().await.unwrap();
    expect_status(anonymous, 401).await;
    let cookie = t.owner_cookie().await;
    let get = |path: &str| t.http.get(t.url(path)).header("cookie", &cookie).send();

    let page: Value =
        serde_json::from_str(&expect_status(get("/api/connect").await.unwrap(), 200).await).unwrap();
    assert_eq!(page["mcp_url"], mcp_url);
    let ids: Vec<&str> =
        page["clients"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, CLIENTS.iter().map(|c| c.id).collect::<Vec<_>>());
    let cursor = &page["clients"][2];
    assert_eq!(cursor["connected"], false);
    assert_eq!(cursor["detected"], false);
    let native = cursor["snippets"].as_array().unwrap().iter().find(|s| s["via"] == "native").unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(native["text"].as_str().unwrap()).unwrap(),
        json!({"mcpServers": {"trek": {"url": mcp_url}}})
    );
    assert!(page["machine"]["token"].as_str().unwrap().contains("grant_type=client_credentials"));

    // Connect Cursor: the file appears with our entry.
    let post = |id: &str, body: Option<Value>| {
        let mut r = t.http.post(t.url(&format!("/api/connect/{id}"))).header("cookie", &cookie);
        if let Some(body) = body {
            r = r.json(&body);
        }
        r.send()
    };
    let done: Value =
        serde_json::from_str(&expect_status(post("cursor", None).await.unwrap(), 200).await).unwrap();
    assert_eq!(done["change"], "created");
    assert!(done["restart"].as_str().unwrap().contains("Cursor"));
    let path = path_of(connect::clients::find("cursor").unwrap(), &d);
    assert_eq!(
        serde_json::from_str::<Value>(&read(&path)).unwrap(),
        json!({"mcpServers": {"trek": {"url": mcp_url}}})
    );

    // A different entry of ours: 409 with the current entry, file unchanged; force replaces.
    let conflict =
        expect_status(post("cursor", Some(json!({"via": "mcp-remote"}))).await.unwrap(), 409).await;
    let conflict: Value = serde_json::from_str(&conflict).unwrap();
    assert_eq!(conflict["error"], "exists");
    assert_eq!(conflict["current"], json!({"url": mcp_url}));
    assert!(read(&path).contains(&mcp_url) && !read(&path).contains("mcp-remote"));
    let forced =
        expect_status(post("cursor", Some(json!({"via": "mcp-remote", "force": true}))).await.unwrap(), 200)
            .await;
    assert!(forced.contains("\"replaced\""), "{forced}");
    assert!(read(&path).contains("mcp-remote"));

    // Bad input: unknown client, unknown field, unparseable file — specific errors, no change.
    assert!(expect_status(post("emacs", None).await.unwrap(), 404).await.contains("known clients"));
    expect_status(post("cursor", Some(json!({"via": "carrier-pigeon"}))).await.unwrap(), 400).await;
    let vscode = path_of(connect::clients::find("vscode").unwrap(), &d);
    write(&vscode, "{\n  \"servers\": {\n}\n");
    let refused = expect_status(post("vscode", None).await.unwrap(), 422).await;
    assert!(refused.contains("unparseable") && refused.contains("line"), "{refused}");
    assert_eq!(read(&vscode), "{\n  \"servers\": {\n}\n");
    let page: Value =
        serde_json::from_str(&expect_status(get("/api/connect").await.unwrap(), 200).await).unwrap();
    assert!(page["clients"][3]["problem"].as_str().unwrap().contains("line"));
    assert_eq!(page["clients"][2]["connected"], true);

    // A foreign page cannot drive it (Origin guard), even with the cookie.
    let foreign = t
        .http
        .post(t.url("/api/connect/zed"))
        .header("cookie", &cookie)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert!(foreign.status().is_client_error(), "{}", foreign.status());
    assert!(!path_of(connect::clients::find("zed").unwrap(), &d).exists());

    // Disconnect removes our entry only.
    let removed = t.http.delete(t.url("/api/connect/cursor")).header("cookie", &cookie).send().await.unwrap();
    assert!(expect_status(removed, 200).await.contains("\"removed\""));
    assert_eq!(serde_json::from_str::<Value>(&read(&path)).unwrap(), json!({"mcpServers": {}}));
    t.stop().await;
}

#[test]
fn cli_connect_print_list_and_disconnect() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(trek_bin())
            .args(args)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("TREK_DATA_DIR", tmp.path().join("data"))
            .env("TREK_PORT", "7823")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let cursor = home.join(".cursor").join("mcp.json");

    let printed = run(&["connect", "--print", "cursor"]);
    assert!(printed.status.success());
    let stdout = String::from_utf8_lossy(&printed.stdout);
    assert!(stdout.contains("\"url\": \"http://127.0.0.1:7823/mcp\""), "{stdout}");
    assert!(!cursor.exists(), "--print writes nothing");

    let connected = run(&["connect", "cursor"]);
    assert!(connected.status.success(), "{}", String::from_utf8_lossy(&connected.stderr));
    let stdout = String::from_utf8_lossy(&connected.stdout);
    assert!(stdout.contains("Connected Cursor") && stdout.contains("Restart Cursor"), "{stdout}");
    assert_eq!(
        serde_json::from_str::<Value>(&read(&cursor)).unwrap(),
        json!({"mcpServers": {"trek": {"url": URL}}})
    );

    // Not a terminal: a different entry is refused with the way out, and nothing changes.
    let refused = run(&["connect", "cursor", "--via", "bridge"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    let forced = run(&["connect", "cursor", "--via", "bridge", "--force"]);
    assert!(forced.status.success());
    assert!(read(&cursor).contains("\"bridge\""));

    let listed = run(&["connect", "--list"]);
    let stdout = String::from_utf8_lossy(&listed.stdout);
    assert!(stdout.lines().any(|l| l.starts_with("cursor") && l.contains("connected")), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("claude-desktop")), "{stdout}");

    let unknown = run(&["connect", "emacs"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("known clients"));

    let gone = run(&["disconnect", "cursor"]);
    assert!(gone.status.success());
    assert_eq!(serde_json::from_str::<Value>(&read(&cursor)).unwrap(), json!({"mcpServers": {}}));
}
