//! The MCP server handler: exposes the operation registry as tools, `trek://` resources and
//! prompts, filtered by what the caller's credential may do.

use std::borrow::Cow;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams,
    GetPromptResponse, GetPromptResult, Implementation, InitializeRequestParams, InitializeResult,
    ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, Prompt, PromptArgument, PromptMessage, ReadResourceRequestParams,
    ReadResourceResponse, ReadResourceResult, Resource, ResourceContents, ResourceTemplate, Role,
    ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::{ErrorData, ServerHandler};
use serde_json::Value;

use super::pause::{AiPause, Paused};
use super::resources::{self, RESOURCES};
use crate::auth::oauth::{AccessContext, TokenKind};
use crate::clock::SharedClock;
use crate::domain::notifications::{self, Event};
use crate::domain::{Actor, Change, ChangeAction};
use crate::events::EventBus;
use crate::ops::{AddonSet, Entry, Kind, OpError, registry};
use crate::store::Store;

/// Server instructions: how the data fits together and how to work with it.
const INSTRUCTIONS: &str = include_str!("instructions.md");

/// Shown to sessions that use a deprecated static token, in instructions and every tool result.
pub const STATIC_TOKEN_NOTICE: &str = "Notice: this connection uses a static API token (trek_…), which is deprecated \
    and will stop working in a future version. Ask the user to reconnect with OAuth (add the server URL in the \
    client and approve it in Trek) or to create a machine client.";

/// One handler per session (or per stateless request); all state is shared.
#[derive(Clone)]
pub struct TrekMcp {
    pub store: Store,
    pub clock: SharedClock,
    pub events: EventBus,
    /// Outside-world providers for `Kind::Outbound` tools.
    pub world: crate::providers::world::World,
    pub pause: AiPause,
}

/// Why the service could not run an operation for an assistant.
enum RunError {
    /// The owner paused AI access.
    Paused(Paused),
    Op(OpError),
}

impl From<OpError> for RunError {
    fn from(e: OpError) -> Self {
        Self::Op(e)
    }
}

/// The caller, as the bearer middleware established it.
fn access(context: &RequestContext<RoleServer>) -> Result<AccessContext, ErrorData> {
    context
        .extensions
        .get::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<AccessContext>())
        .cloned()
        .ok_or_else(|| ErrorData::internal_error("request reached MCP without authentication", None))
}

/// MCP annotations, derived from the declared kind so they cannot disagree with behaviour. Only
/// hints that differ from the specification's defaults are sent (readOnly false, destructive
/// true, idempotent false, openWorld true), and a read tool sends neither destructive nor
/// idempotent, which the specification says mean nothing when readOnly is true: ~42 bytes a
/// tool, in every session's context.
fn annotations(entry: &Entry) -> ToolAnnotations {
    let m = entry.meta;
    let read = matches!(m.kind, Kind::Read | Kind::Outbound);
    // No title here: the tool's own `title` carries it, and every byte of the list is context.
    let mut a = ToolAnnotations::new();
    if read {
        a = a.read_only(true);
    } else {
        if m.kind != Kind::Delete {
            a = a.destructive(false);
        }
        if m.idempotent {
            a = a.idempotent(true);
        }
    }
    if m.kind != Kind::Outbound {
        a = a.open_world(false);
    }
    a
}

/// A tool as `tools/list` shows it. No `outputSchema`: the list is sent into the assistant's
/// context on every session, and the output schemas were half of it (76 of 152 KB for 89
/// tools) while telling the model little that the result itself does not. Results still carry
/// `structuredContent`; the schemas stay the checked contract (`Entry::output_schema`, tested
/// against real results).
fn tool(entry: &Entry) -> Tool {
    Tool::new(entry.meta.name, entry.meta.description, entry.input_schema.clone())
        .with_title(entry.meta.title)
        .with_annotations(annotations(entry))
}

fn instructions_for(access: &AccessContext) -> String {
    match access.kind {
        TokenKind::Static => format!("{STATIC_TOKEN_NOTICE}\n\n{INSTRUCTIONS}"),
        _ => INSTRUCTIONS.to_owned(),
    }
}

fn error_result(message: String, access: &AccessContext) -> CallToolResult {
    let mut content = vec![ContentBlock::text(message)];
    if access.kind == TokenKind::Static {
        content.push(ContentBlock::text(STATIC_TOKEN_NOTICE));
    }
    CallToolResult::error(content)
}

impl TrekMcp {
    fn server_config(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder().enable_tools().enable_resources().enable_prompts().build(),
        )
        .with_server_info(Implementation::new("trek", crate::VERSION).with_title("Trek"))
        .with_instructions(INSTRUCTIONS)
    }

    /// The add-ons switched on now (read from the settings, so a CLI change counts at once).
    async fn addons(&self) -> Result<AddonSet, ErrorData> {
        self.store.read_inline(|c| AddonSet::load(c).map_err(crate::store::StoreError::from)).await.map_err(
            |e| {
                tracing::error!(error = %e, "reading the add-on switch failed");
                ErrorData::internal_error("storage error", None)
            },
        )
    }

    /// Runs an operation for the caller and publishes what it changed. The one place the
    /// owner's pause is checked for tools, resources and prompts (not per tool).
    async fn run(&self, access: &AccessContext, name: &str, args: Value) -> Result<Value, RunError> {
        let kind = registry().get(name).ok_or_else(|| OpError::Unknown(name.to_owned()))?.meta.kind;
        self.pause.check(kind).map_err(RunError::Paused)?;
        let actor = Actor { user: access.user };
        let now = self.clock.now();
        let (value, changes) = registry()
            .execute_with(Some(&self.world), &self.store, name, actor, access.scopes, now, args)
            .await?;
        let notices = self.notify_trip_changes(access, &changes, now).await;
        self.events.publish(changes);
        self.events.publish(notices);
        Ok(value)
    }

    /// Tells the owner which trips an assistant changed (coalesced per trip and hour). The
    /// call has committed: a failure here is logged, not the caller's error.
    async fn notify_trip_changes(&self, access: &AccessContext, changes: &[Change], now: i64) -> Vec<Change> {
        let mut trips: Vec<(i64, usize)> = Vec::new();
        for trip in changes.iter().filter_map(|c| c.trip_id) {
            match trips.iter_mut().find(|(t, _)| *t == trip) {
                Some((_, n)) => *n += 1,
                None => trips.push((trip, 1)),
            }
        }
        if trips.is_empty() || access.kind == TokenKind::Owner {
            return Vec::new();
        }
        let (client_id, grant_id) = (access.client_id.clone(), access.grant_id.clone());
        let recorded = self
            .store
            .write(move |tx| {
                let client_name = notifications::client_name(tx, client_id.as_deref(), &grant_id)?;
                let mut notices = Vec::new();
                for (trip_id, changes) in trips {
                    let event =
                        Event::AssistantChangedTrip { trip_id, client_name: client_name.clone(), changes };
                    if let Some(id) = notifications::record(tx, now, event)? {
                        notices.push(Change {
                            entity: "notification",
                            action: ChangeAction::Created,
                            id,
                            trip_id: Some(trip_id),
                        });
                    }
                }
                Ok::<_, crate::store::StoreError>(notices)
            })
            .await;
        recorded.unwrap_or_else(|error| {
            tracing::warn!(%error, "could not record the assistant's changes as a notification");
            Vec::new()
        })
    }
}

impl ServerHandler for TrekMcp {
    fn get_info(&self) -> ServerConfig {
        self.server_config()
    }

    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, ErrorData> {
        let access = access(&context)?;
        let mut config = self.server_config();
        // Negotiate as the specification says: the client's version if we support it, else our latest.
        let supported = self.supported_protocol_versions();
        if supported.contains(&request.protocol_version) {
            config.protocol_version = request.protocol_version.clone();
        }
        config.instructions = Some(instructions_for(&access));
        Ok(config)
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [rmcp::model::ProtocolVersion]> {
        Cow::Borrowed(rmcp::model::ProtocolVersion::KNOWN_VERSIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let access = access(&context)?;
        let addons = self.addons().await?;
        let tools = registry().visible(access.scopes, addons).map(tool).collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let access = access(&context)?;
        let name = request.name.to_string();
        let Some(entry) = registry().get(&name) else {
            return Err(ErrorData::invalid_params(format!("unknown tool {name:?}"), None));
        };
        let args = Value::Object(request.arguments.unwrap_or_default());
        let result = match self.run(&access, &name, args).await {
            Ok(value) => {
                let text = serde_json::to_string(&value).unwrap_or_default();
                let mut content = vec![ContentBlock::text(text)];
                if access.kind == TokenKind::Static {
                    content.push(ContentBlock::text(STATIC_TOKEN_NOTICE));
                }
                let mut result = CallToolResult::success(content);
                if entry.structured_output {
                    result.structured_content = Some(value);
                }
                result
            }
            Err(RunError::Paused(p)) => error_result(p.to_string(), &access),
            // A full disk is the user's to fix: say so (the write was rolled back).
            Err(RunError::Op(
                e @ OpError::Domain(crate::domain::DomainError::Store(crate::store::StoreError::DiskFull)),
            )) => error_result(e.to_string(), &access),
            Err(RunError::Op(OpError::Domain(crate::domain::DomainError::Store(e)))) => {
                tracing::error!(tool = %name, error = %e, "tool failed on storage");
                error_result(
                    "Trek could not complete this because of an internal storage error.".into(),
                    &access,
                )
            }
            Err(RunError::Op(e)) => error_result(e.to_string(), &access),
        };
        Ok(result.into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let access = access(&context)?;
        let addons = self.addons().await?;
        let list = RESOURCES
            .iter()
            .filter(|r| !r.is_template() && op_available(r.op, &access, addons))
            .map(|r| {
                Resource::new(r.uri, r.name)
                    .with_title(r.title)
                    .with_description(r.description)
                    .with_mime_type("application/json")
            })
            .collect();
        Ok(ListResourcesResult::with_all_items(list))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let access = access(&context)?;
        let addons = self.addons().await?;
        let list = RESOURCES
            .iter()
            .filter(|r| r.is_template() && op_available(r.op, &access, addons))
            .map(|r| {
                let mut template = ResourceTemplate::new(r.uri, r.name);
                template.title = Some(r.title.to_owned());
                template.description = Some(r.description.to_owned());
                template.mime_type = Some("application/json".to_owned());
                template
            })
            .collect();
        Ok(ListResourceTemplatesResult::with_all_items(list))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let access = access(&context)?;
        let uri = request.uri.clone();
        let (def, args) = resources::resolve(&uri)
            .ok_or_else(|| ErrorData::resource_not_found(format!("no resource {uri}"), None))?;
        let value = self.run(&access, def.op, args).await.map_err(|e| match e {
            RunError::Paused(p) => paused_error(p),
            RunError::Op(
                e
                @ (OpError::Domain(crate::domain::DomainError::NotFound { .. }) | OpError::AddonDisabled(_)),
            ) => ErrorData::resource_not_found(e.to_string(), None),
            RunError::Op(OpError::Domain(crate::domain::DomainError::Store(_))) => {
                ErrorData::internal_error("storage error", None)
            }
            RunError::Op(other) => ErrorData::invalid_params(other.to_string(), None),
        })?;
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        Ok(ReadResourceResult::new(vec![
            ResourceContents::text(text, uri).with_mime_type("application/json"),
        ])
        .into())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let access = access(&context)?;
        let addons = self.addons().await?;
        let prompts = super::prompts::PROMPTS
            .iter()
            .filter(|p| p.offered_to(&access, addons))
            .map(|p| {
                let args = p
                    .arguments
                    .iter()
                    .map(|(name, description)| {
                        PromptArgument::new(*name).with_description(*description).with_required(true)
                    })
                    .collect::<Vec<_>>();
                let mut prompt = Prompt::new(p.name, Some(p.description), (!args.is_empty()).then_some(args));
                prompt.title = Some(p.title.to_owned());
                prompt
            })
            .collect();
        Ok(ListPromptsResult::with_all_items(prompts))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let access = access(&context)?;
        let addons = self.addons().await?;
        // Prompts without a trip render no data, but follow the same rule as reads.
        self.pause.check(Kind::Read).map_err(paused_error)?;
        let def = super::prompts::PROMPTS
            .iter()
            .find(|p| p.name == request.name && p.offered_to(&access, addons))
            .ok_or_else(|| ErrorData::invalid_params(format!("unknown prompt {:?}", request.name), None))?;
        let arguments = request.arguments.unwrap_or_default();
        let trip = match def.arguments.first() {
            Some((name, _)) => {
                let raw = arguments
                    .get(*name)
                    .ok_or_else(|| ErrorData::invalid_params(format!("argument {name} is required"), None))?;
                let id: i64 =
                    raw.as_i64().or_else(|| raw.as_str().and_then(|s| s.trim().parse().ok())).ok_or_else(
                        || ErrorData::invalid_params(format!("{name} must be a trip id number"), None),
                    )?;
                let summary = self
                    .run(&access, "get_trip_summary", serde_json::json!({ "trip_id": id }))
                    .await
                    .map_err(|e| match e {
                        RunError::Paused(p) => paused_error(p),
                        RunError::Op(e) => ErrorData::invalid_params(e.to_string(), None),
                    })?;
                Some(summary)
            }
            None => None,
        };
        let text = super::prompts::render(def, trip);
        Ok(GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description(def.description)
            .into())
    }
}

/// A paused resource read or prompt: a JSON-RPC error (they have no tool-error form) whose
/// message is the same sentence a tool call gets.
fn paused_error(p: Paused) -> ErrorData {
    ErrorData::invalid_request(p.to_string(), None)
}

fn op_available(op: &str, access: &AccessContext, addons: AddonSet) -> bool {
    registry().get(op).is_some_and(|e| e.meta.available(access.scopes, addons))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::scopes::ScopeSet;

    /// The hints a client reads, with the specification's defaults for absent ones.
    fn effective(a: &ToolAnnotations) -> (bool, bool, bool, bool) {
        (
            a.read_only_hint.unwrap_or(false),
            a.is_destructive(),
            a.is_idempotent(),
            a.open_world_hint.unwrap_or(true),
        )
    }

    #[test]
    fn annotations_say_what_the_kind_does_with_spec_defaults_left_out() {
        for entry in registry().all() {
            let a = annotations(entry);
            let (read_only, destructive, idempotent, open_world) = effective(&a);
            let kind = entry.meta.kind;
            let name = entry.meta.name;
            assert_eq!(read_only, matches!(kind, Kind::Read | Kind::Outbound), "{name}");
            assert_eq!(open_world, kind == Kind::Outbound, "{name}");
            if read_only {
                // Meaningless for read tools (spec), so never sent.
                assert_eq!((a.destructive_hint, a.idempotent_hint), (None, None), "{name}");
            } else {
                assert_eq!(destructive, kind == Kind::Delete, "{name}");
                assert_eq!(idempotent, entry.meta.idempotent, "{name}");
            }
            // No hint is sent with its default value.
            assert_ne!(a.read_only_hint, Some(false), "{name}");
            assert_ne!(a.destructive_hint, Some(true), "{name}");
            assert_ne!(a.idempotent_hint, Some(false), "{name}");
            assert_ne!(a.open_world_hint, Some(true), "{name}");
        }
    }

    #[test]
    fn listed_tools_are_compact() {
        let tools: Vec<Tool> = registry().visible(ScopeSet::all(), AddonSet::all()).map(tool).collect();
        let list = serde_json::to_value(ListToolsResult::with_all_items(tools)).unwrap();
        let get = list["tools"].as_array().unwrap().iter().find(|t| t["name"] == "get_trip_summary").unwrap();
        assert_eq!(get["annotations"], serde_json::json!({ "readOnlyHint": true, "openWorldHint": false }));
        assert!(get.get("outputSchema").is_none());
        let delete = list["tools"].as_array().unwrap().iter().find(|t| t["name"] == "delete_trip").unwrap();
        assert_eq!(delete["annotations"], serde_json::json!({ "openWorldHint": false }));
        let text = list.to_string();
        for noise in ["\"format\":\"double\"", "\"format\":\"int64\"", "\"$schema\"", "\"outputSchema\""] {
            assert!(!text.contains(noise), "{noise} in tools/list");
        }
    }
}
