//! The load generator's client side: MCP over raw HTTP with keep-alive connections (a
//! 2025-11-25 session or stateless 2026-07-28 requests), the OAuth exchanges the bench times
//! (client_credentials, and an authorization_code grant approved with `trek consent approve`
//! whose refresh token is then rotated), and argument filling from tool schemas.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine as _;
use serde_json::{Map, Value, json};
use sha2::Digest as _;

pub const SESSION_ERA: &str = "2025-11-25";
pub const STATELESS_ERA: &str = "2026-07-28";

/// `trek client create --name N --machine` against the running server's data dir.
pub fn create_machine_client(bin: &Path, data_dir: &Path, name: &str) -> Result<(String, String)> {
    let output = Command::new(bin)
        .args(["client", "create", "--name", name, "--machine"])
        .env("TREK_DATA_DIR", data_dir)
        .env_remove("TREK_PORT")
        .output()
        .context("running trek client create")?;
    if !output.status.success() {
        bail!("trek client create failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    let created: Value = serde_json::from_slice(&output.stdout).context("trek client create: not JSON")?;
    let field =
        |k: &str| created[k].as_str().map(str::to_owned).ok_or_else(|| anyhow!("trek client create: no {k}"));
    Ok((field("client_id")?, field("client_secret")?))
}

pub fn http_client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .build()?)
}

pub async fn exchange_token(http: &reqwest::Client, base: &str, id: &str, secret: &str) -> Result<String> {
    let response = http
        .post(format!("{base}/oauth/token"))
        .basic_auth(id, Some(secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await?;
    if status != 200 {
        bail!("token endpoint answered {status}: {body}");
    }
    let value: Value = serde_json::from_str(&body)?;
    value["access_token"].as_str().map(str::to_owned).ok_or_else(|| anyhow!("no access_token in {body}"))
}

/// A public client's refresh token, obtained the way a real client gets one: dynamic
/// registration, `/oauth/authorize` with PKCE S256, the owner's approval (`trek consent
/// approve`, as headless owners do), the waiting page's redirect, and the code exchange.
pub async fn refresh_token_for(
    bin: &Path,
    data_dir: &Path,
    base: &str,
    name: &str,
) -> Result<(String, String)> {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let redirect_uri = "http://127.0.0.1:9/callback";
    let response = http
        .post(format!("{base}/oauth/register"))
        .json(&json!({ "redirect_uris": [redirect_uri], "client_name": name, "token_endpoint_auth_method": "none" }))
        .send()
        .await?;
    let registered: Value = response.json().await?;
    let client_id =
        registered["client_id"].as_str().ok_or_else(|| anyhow!("register: {registered}"))?.to_owned();

    let verifier = format!("bench-verifier-{name}-0123456789-0123456789-0123456789");
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&verifier));
    let response = http
        .get(format!("{base}/oauth/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", redirect_uri),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("scope", "trips:read"),
            ("state", "bench"),
        ])
        .send()
        .await?;
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let pending = location
        .split_once("id=")
        .map(|(_, id)| id.to_owned())
        .ok_or_else(|| anyhow!("authorize answered {} without the waiting page", response.status()))?;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("trek_consent="))
        .and_then(|v| v.split(';').next())
        .ok_or_else(|| anyhow!("authorize: no consent cookie"))?
        .to_owned();

    let output = Command::new(bin)
        .args(["consent", "approve", &pending])
        .env("TREK_DATA_DIR", data_dir)
        .env_remove("TREK_PORT")
        .output()
        .context("running trek consent approve")?;
    if !output.status.success() {
        bail!("trek consent approve failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    let status: Value = http
        .get(format!("{base}/oauth/consent/status?id={pending}"))
        .header("cookie", cookie)
        .send()
        .await?
        .json()
        .await?;
    let location = status["location"].as_str().ok_or_else(|| anyhow!("consent status: {status}"))?;
    let code = url_param(location, "code").ok_or_else(|| anyhow!("no code in {location}"))?;
    let tokens: Value = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("code", &code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", &verifier),
        ])
        .send()
        .await?
        .json()
        .await?;
    let refresh = tokens["refresh_token"].as_str().ok_or_else(|| anyhow!("code exchange: {tokens}"))?;
    Ok((client_id, refresh.to_owned()))
}

/// One refresh_token grant (RFC 6749 §6); the rotated refresh token.
pub async fn rotate(http: &reqwest::Client, base: &str, client_id: &str, refresh: &str) -> Result<String> {
    let response = http
        .post(format!("{base}/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("grant_type=refresh_token&client_id={client_id}&refresh_token={refresh}"))
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await?;
    if status != 200 {
        bail!("refresh answered {status}: {body}");
    }
    let value: Value = serde_json::from_str(&body)?;
    value["refresh_token"].as_str().map(str::to_owned).ok_or_else(|| anyhow!("no refresh_token in {body}"))
}

fn url_param(url: &str, key: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| pair.strip_prefix(&format!("{key}=")).map(str::to_owned))
}

/// One MCP client over its own keep-alive connection: a 2025-11-25 session or stateless
/// 2026-07-28 requests.
pub struct Mcp {
    http: reqwest::Client,
    url: String,
    auth: String,
    session: Option<String>,
    /// 2025-11-25 (initialize first, then the session header) or stateless 2026-07-28.
    stateful: bool,
    next_id: u64,
}

/// A prepared `tools/call`: its params already serialized (with `_meta` when stateless).
pub struct PreparedCall {
    name: String,
    params: String,
}

impl Mcp {
    pub async fn session(base: &str, token: &str) -> Result<Self> {
        let mut mcp = Self {
            http: http_client()?,
            url: format!("{base}/mcp"),
            auth: format!("Bearer {token}"),
            session: None,
            stateful: true,
            next_id: 1,
        };
        let init = json!({
            "protocolVersion": SESSION_ERA, "capabilities": {},
            "clientInfo": { "name": "trek-bench", "version": "1" }
        });
        let body = json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": init }).to_string();
        let response = mcp.post("initialize", None, body).send().await?;
        if response.status() != 200 {
            bail!("initialize answered {}: {}", response.status(), response.text().await.unwrap_or_default());
        }
        let id = response
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| anyhow!("initialize: no Mcp-Session-Id"))?
            .to_owned();
        let _ = response.bytes().await?;
        mcp.session = Some(id);
        let note = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }).to_string();
        let response = mcp.post("notifications/initialized", None, note).send().await?;
        if response.status() != 202 {
            bail!("notifications/initialized answered {}", response.status());
        }
        Ok(mcp)
    }

    pub fn stateless(base: &str, token: &str) -> Result<Self> {
        Ok(Self {
            http: http_client()?,
            url: format!("{base}/mcp"),
            auth: format!("Bearer {token}"),
            session: None,
            stateful: false,
            next_id: 1,
        })
    }

    fn post(&self, method: &str, name: Option<&str>, body: String) -> reqwest::RequestBuilder {
        let request = self
            .http
            .post(&self.url)
            .header("authorization", &self.auth)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json");
        match (&self.session, self.stateful) {
            (Some(id), _) => {
                request.header("mcp-session-id", id).header("mcp-protocol-version", SESSION_ERA).body(body)
            }
            (None, true) => request.body(body),
            (None, false) => {
                // 2026-07-28 (SEP-2243): the method and name are repeated as headers.
                let request =
                    request.header("mcp-protocol-version", STATELESS_ERA).header("mcp-method", method);
                match name {
                    Some(name) => request.header("mcp-name", name),
                    None => request,
                }
                .body(body)
            }
        }
    }

    /// Params for a request, with the `_meta` a stateless 2026-07-28 request must carry.
    fn params(&self, mut params: Map<String, Value>) -> Map<String, Value> {
        if !self.stateful {
            params.insert(
                "_meta".into(),
                json!({
                    "io.modelcontextprotocol/protocolVersion": STATELESS_ERA,
                    "io.modelcontextprotocol/clientCapabilities": {},
                    "io.modelcontextprotocol/clientInfo": { "name": "trek-bench", "version": "1" },
                }),
            );
        }
        params
    }

    pub fn prepare(&self, tool: &str, args: &Value) -> PreparedCall {
        let mut params = Map::new();
        params.insert("name".into(), Value::String(tool.into()));
        params.insert("arguments".into(), args.clone());
        PreparedCall { name: tool.into(), params: Value::Object(self.params(params)).to_string() }
    }

    /// A full JSON-RPC round trip; the response message.
    pub async fn rpc(&mut self, method: &str, params: Map<String, Value>) -> Result<Value> {
        let id = self.next_id;
        self.next_id += 1;
        let name = params.get("name").and_then(Value::as_str).map(str::to_owned);
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": self.params(params) });
        let response = self.post(method, name.as_deref(), body.to_string()).send().await?;
        let status = response.status();
        let text = response.text().await?;
        let message = rpc_message(&text).ok_or_else(|| anyhow!("{method}: {status}: {text}"))?;
        if let Some(error) = message.get("error") {
            bail!("{method}: {status}: {error}");
        }
        Ok(message)
    }

    /// `tools/call`; the structured content, or the tool error's text as an error.
    pub async fn call_tool(&mut self, tool: &str, args: Value) -> Result<Value> {
        let mut params = Map::new();
        params.insert("name".into(), Value::String(tool.into()));
        params.insert("arguments".into(), args);
        let message = self.rpc("tools/call", params).await?;
        let result = &message["result"];
        if result["isError"] == Value::Bool(true) {
            bail!("{tool}: {}", result["content"]);
        }
        Ok(result.get("structuredContent").cloned().unwrap_or(Value::Null))
    }

    /// The hot path: a prepared call, checked cheaply (200, a result, not a tool error).
    pub async fn call_prepared(&mut self, call: &PreparedCall) -> Result<()> {
        let id = self.next_id;
        self.next_id += 1;
        let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{}}}"#, call.params);
        let response = self.post("tools/call", Some(&call.name), body).send().await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        if status != 200 || !contains(&bytes, b"\"result\"") || contains(&bytes, b"\"isError\":true") {
            bail!("{}: {status}: {}", call.name, String::from_utf8_lossy(&bytes));
        }
        Ok(())
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    // memchr's SIMD search: a summary answer is ~0.5 MB and the generator must stay cheap.
    memchr::memmem::find(haystack, needle).is_some()
}

/// The JSON-RPC response in a body that is plain JSON or an SSE stream of `data:` lines.
fn rpc_message(text: &str) -> Option<Value> {
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Some(value);
    }
    text.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(str::trim)
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .find(|v| v.get("id").is_some())
}

// ---------------------------------------------------------------------------------------------
// Arguments from schemas

/// Arguments for a tool from its input schema: the hints the schema has a property for (and
/// whose type fits), then a plausible value for every remaining required property.
pub fn fill_args(schema: &Value, hints: &Map<String, Value>) -> Result<Value, String> {
    let empty = Map::new();
    let properties = schema["properties"].as_object().unwrap_or(&empty);
    let mut out = Map::new();
    for (key, value) in hints {
        if let Some(prop) = properties.get(key)
            && type_fits(&resolve(schema, prop), value)
        {
            out.insert(key.clone(), value.clone());
        }
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for key in required {
        if out.contains_key(key) {
            continue;
        }
        let prop = properties.get(key).map(|p| resolve(schema, p)).unwrap_or(Value::Null);
        out.insert(
            key.to_owned(),
            guess(key, &prop).ok_or_else(|| format!("no value for required `{key}`"))?,
        );
    }
    Ok(Value::Object(out))
}

/// Follows a local `$ref` (schemars puts enums in `$defs`).
fn resolve(root: &Value, prop: &Value) -> Value {
    match prop.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/")) {
        Some(path) => {
            let mut node = root;
            for part in path.split('/') {
                node = &node[part];
            }
            node.clone()
        }
        None => prop.clone(),
    }
}

fn types(prop: &Value) -> Vec<String> {
    match &prop["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

fn type_fits(prop: &Value, value: &Value) -> bool {
    let ts = types(prop);
    if ts.is_empty() {
        return prop.get("enum").is_none() && prop.get("oneOf").is_none();
    }
    let name = match value {
        Value::String(_) => "string",
        Value::Number(n) if n.is_i64() => return ts.iter().any(|t| t == "integer" || t == "number"),
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    };
    ts.iter().any(|t| t == name)
}

fn guess(key: &str, prop: &Value) -> Option<Value> {
    if let Some(first) = prop["enum"].as_array().and_then(|e| e.first()) {
        return Some(first.clone());
    }
    if let Some(first) = prop["oneOf"].as_array().and_then(|o| o.first()) {
        return first.get("const").cloned().or_else(|| first["enum"].as_array()?.first().cloned());
    }
    let ts = types(prop);
    let has = |t: &str| ts.iter().any(|x| x == t);
    if has("string") {
        let value = if key.contains("date") {
            "2027-05-01"
        } else if key.contains("time") {
            "10:00"
        } else if key.contains("currency") {
            "EUR"
        } else if key.contains("price") || key.contains("amount") || key.contains("total") {
            "12.50"
        } else {
            "Bench"
        };
        return Some(json!(value));
    }
    if has("integer") {
        return Some(json!(1));
    }
    if has("number") {
        return Some(json!(12.5));
    }
    if has("boolean") {
        return Some(json!(false));
    }
    if has("array") {
        return Some(json!([]));
    }
    None
}
