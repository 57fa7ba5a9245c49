//! Accounts: the configured admin and the users kept in the store (admins and readers), their
//! passwords, and the app passwords the reading apps use.
//!
//! - A login names an account and gives its password: a stored user is checked against its
//!   argon2 hash; the name `admin`, when no stored user has it, against the configured admin
//!   password. Stored names are normalised as logins are ([`account_name`]).
//! - An app password is made at random, shown once and kept as an argon2 hash. With it come a
//!   random token that a Google Reader login (`/accounts/ClientLogin`) hands out, and the
//!   Fever key (md5 hex of `name:app password`, as Fever clients compute it). Making a new app
//!   password replaces all three, which signs every app out.

use md5::{Digest, Md5};
use storyline_store::{Role, Store, UserRow};

use crate::AppState;
use crate::auth::{ADMIN_ACCOUNT, account_name, hash_password, random_token, verify_password};
use crate::error::{ApiError, ErrorCode, ServerError};

/// Shortest login password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Who is logged in or calling an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub role: Role,
    /// The stored user; `None` for the configured admin, who has no read state.
    pub user_id: Option<i64>,
}

impl Account {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    fn of(user: &UserRow) -> Account {
        Account {
            name: user.name.clone(),
            role: user.role,
            user_id: Some(user.id),
        }
    }
}

/// Why an account could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a user name needs letters or digits, `-`, `_` or `.` only (at most 64)")]
    BadName,
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    ShortPassword,
    #[error("there is already a user named {0}")]
    Exists(String),
    #[error("there is no user named {0}")]
    Missing(String),
    #[error(transparent)]
    Server(#[from] ServerError),
    #[error(transparent)]
    Store(#[from] storyline_store::StoreError),
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        let code = match &e {
            AccountError::BadName | AccountError::ShortPassword => ErrorCode::BadBody,
            AccountError::Exists(_) => ErrorCode::Conflict,
            AccountError::Missing(_) => ErrorCode::NotFound,
            AccountError::Server(_) | AccountError::Store(_) => ErrorCode::Internal,
        };
        ApiError::new(code, e.to_string())
    }
}

/// The stored form of a new user's name, refused when it is not a plain name.
pub fn valid_name(name: &str) -> Result<String, AccountError> {
    let normal = account_name(Some(name));
    let plain = !name.trim().is_empty()
        && name.trim().chars().count() <= 64
        && normal
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if plain {
        Ok(normal)
    } else {
        Err(AccountError::BadName)
    }
}

fn check_password(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Err(AccountError::ShortPassword)
    } else {
        Ok(())
    }
}

/// Adds a user with a login password.
pub async fn add_user(
    store: &dyn Store,
    name: &str,
    role: Role,
    password: &str,
) -> Result<String, AccountError> {
    let name = valid_name(name)?;
    check_password(password)?;
    let hash = hash_blocking(password.to_string()).await?;
    if store.add_user(&name, role, &hash).await? {
        Ok(name)
    } else {
        Err(AccountError::Exists(name))
    }
}

/// Removes a user and their read state.
pub async fn remove_user(store: &dyn Store, name: &str) -> Result<(), AccountError> {
    let name = account_name(Some(name));
    if store.remove_user(&name).await? {
        Ok(())
    } else {
        Err(AccountError::Missing(name))
    }
}

/// Replaces a user's login password.
pub async fn set_password(
    store: &dyn Store,
    name: &str,
    password: &str,
) -> Result<(), AccountError> {
    let name = account_name(Some(name));
    check_password(password)?;
    let hash = hash_blocking(password.to_string()).await?;
    if store.set_user_password(&name, &hash).await? {
        Ok(())
    } else {
        Err(AccountError::Missing(name))
    }
}

/// Makes a new app password for a user and returns it (it is kept only as a hash).
pub async fn new_app_password(store: &dyn Store, name: &str) -> Result<String, AccountError> {
    let name = account_name(Some(name));
    if store.user(&name).await?.is_none() {
        return Err(AccountError::Missing(name));
    }
    // 128 random bits as 32 hex digits: typed into an app once, so short enough to copy.
    let password: String = random_token()?.chars().take(32).collect();
    let hash = hash_blocking(password.clone()).await?;
    let token = random_token()?;
    if store
        .set_app_password(&name, &hash, &token, &fever_key(&name, &password))
        .await?
    {
        Ok(password)
    } else {
        Err(AccountError::Missing(name))
    }
}

/// The Fever API key of an account: md5 hex of `name:app password`.
pub fn fever_key(name: &str, app_password: &str) -> String {
    let digest = Md5::digest(format!("{name}:{app_password}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

async fn hash_blocking(password: String) -> Result<String, ServerError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ServerError::Hash(e.to_string()))?
}

async fn verify_blocking(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .unwrap_or(false)
}

/// Whether `name` (normalised) is an account a login may name: a stored user, or the
/// configured admin. Throttling keeps records only for these.
pub async fn exists(state: &AppState, name: &str) -> Result<bool, ApiError> {
    Ok(state.store().user(name).await?.is_some()
        || (name == ADMIN_ACCOUNT && state.config().admin_password_hash.is_some()))
}

/// The account a web login opens, when the password is right.
pub async fn check_login(
    state: &AppState,
    name: &str,
    password: &str,
) -> Result<Option<Account>, ApiError> {
    if let Some(user) = state.store().user(name).await? {
        let ok = verify_blocking(user.password_hash.clone(), password.to_string()).await;
        return Ok(ok.then(|| Account::of(&user)));
    }
    if name == ADMIN_ACCOUNT
        && let Some(hash) = state.config().admin_password_hash.clone()
    {
        let ok = verify_blocking(hash, password.to_string()).await;
        return Ok(ok.then(|| Account {
            name: ADMIN_ACCOUNT.to_string(),
            role: Role::Admin,
            user_id: None,
        }));
    }
    Ok(None)
}

/// The user an app login (name and app password) names, when the app password is right.
pub async fn check_app_password(
    state: &AppState,
    name: &str,
    password: &str,
) -> Result<Option<UserRow>, ApiError> {
    let Some(user) = state.store().user(name).await? else {
        return Ok(None);
    };
    let Some(hash) = user.app_password_hash.clone() else {
        return Ok(None);
    };
    Ok(verify_blocking(hash, password.to_string())
        .await
        .then_some(user))
}

/// A user's read state needs a stored user; the configured admin has none.
pub fn user_id_of(account: &Account) -> Result<i64, ApiError> {
    account.user_id.ok_or_else(|| {
        ApiError::new(
            ErrorCode::Conflict,
            "the configured admin keeps no read state; log in as a user (`storyline user add`)",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fever_keys_are_md5_of_name_and_app_password() {
        // As Python's hashlib.md5(b"ana:secret-app-password").hexdigest() gives it.
        assert_eq!(
            fever_key("ana", "secret-app-password"),
            "15ec39ef34dbbc5543044a514b4de577"
        );
    }

    #[test]
    fn names_are_plain_and_normalised() {
        assert_eq!(valid_name(" Ana ").unwrap(), "ana");
        assert_eq!(valid_name("jo.doe-2").unwrap(), "jo.doe-2");
        assert!(valid_name("").is_err());
        assert!(valid_name("a b").is_err());
        assert!(valid_name("a:b").is_err());
        assert!(valid_name(&"x".repeat(65)).is_err());
    }
}
