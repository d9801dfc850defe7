//! Deprecated static API tokens (`trek_`): full access until deleted, at most
//! `MAX_STATIC_TOKENS`. Kept for setups that predate OAuth; the MCP layer adds a deprecation
//! notice to everything such a session sees.

use serde::Serialize;

use super::{OAuth, OAuthError, STATIC_TOKEN_PREFIX, audit};
use crate::auth::secret::Secret;
use crate::config::MAX_STATIC_TOKENS;
use crate::store::oauth::{self as rows, StaticTokenRow};
use crate::store::owner;

/// A created token, shown once.
#[derive(Debug, Clone, Serialize)]
pub struct NewStaticToken {
    pub id: i64,
    pub name: String,
    pub token: String,
}

impl OAuth {
    pub async fn create_static_token(&self, name: String) -> Result<NewStaticToken, OAuthError> {
        let now = self.now();
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(OAuthError::InvalidRequest("name must be 1 to 100 characters".into()));
        }
        let token = Secret::generate(STATIC_TOKEN_PREFIX);
        let hash = token.hash();
        let hint: String = token.expose().chars().take(STATIC_TOKEN_PREFIX.len() + 4).collect();
        let stored_name = name.clone();
        let id = self
            .store
            .write(move |tx| {
                if rows::count_static_tokens(tx)? >= MAX_STATIC_TOKENS {
                    return Err(OAuthError::LimitReached(format!(
                        "at most {MAX_STATIC_TOKENS} static tokens can exist; delete one first"
                    )));
                }
                let user = owner::ensure_owner(tx, now)?;
                let id = rows::insert_static_token(tx, user, &stored_name, &hash, &hint, now)?;
                audit(
                    tx,
                    now,
                    "static_token_created",
                    None,
                    Some(&format!("static:{id}")),
                    Some(stored_name),
                )?;
                Ok(id)
            })
            .await?;
        Ok(NewStaticToken { id, name, token: token.expose().to_owned() })
    }

    pub async fn list_static_tokens(&self) -> Result<Vec<StaticTokenRow>, OAuthError> {
        self.store.read(|c| rows::list_static_tokens(c).map_err(OAuthError::from)).await
    }

    pub async fn delete_static_token(&self, id: i64) -> Result<(), OAuthError> {
        let now = self.now();
        self.store
            .write(move |tx| {
                if rows::delete_static_token(tx, id)? == 0 {
                    return Err(OAuthError::NotFound(format!("no static token {id}")));
                }
                audit(
                    tx,
                    now,
                    "revoked",
                    None,
                    Some(&format!("static:{id}")),
                    Some("static token deleted".into()),
                )?;
                Ok(())
            })
            .await?;
        self.announce(vec![format!("static:{id}")]);
        Ok(())
    }
}
