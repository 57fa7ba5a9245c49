//! `storyline user add|remove|list|password|app-password`: the accounts that log in to the
//! web UI and connect reading apps. The rules (names, password length, hashing, app
//! passwords) are the server's (`storyline_server::accounts`); this only reads and prints.

use std::process::ExitCode;

use anyhow::Context;
use storyline_server::accounts;
use storyline_store::{Role, Store};

use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub action: UserAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum UserAction {
    /// Add a user; the password is read from standard input.
    Add {
        /// The login name (letters, digits, `-`, `_`, `.`).
        name: String,
        /// `reader` (reads, keeps read state) or `admin` (also sources and editorial actions).
        #[arg(long, default_value = "reader")]
        role: String,
    },
    /// Remove a user and their read state.
    Remove { name: String },
    /// List users with their role and whether they have an app password.
    List,
    /// Set a user's login password (read from standard input).
    Password { name: String },
    /// Make a new app password for reading apps (Google Reader and Fever APIs) and print it
    /// once; apps signed in with the previous one must sign in again.
    AppPassword { name: String },
}

fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    Ok(password.trim_end_matches(['\n', '\r']).to_string())
}

pub async fn run(args: UserArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = super::open_store(settings).await?;
    let store: &dyn Store = store.as_ref();
    match args.action {
        UserAction::Add { name, role } => {
            let role = Role::parse(&role)
                .with_context(|| format!("unknown role {role:?}: use `reader` or `admin`"))?;
            let password = read_password()?;
            let name = accounts::add_user(store, &name, role, &password).await?;
            println!("added {} {name}", role.as_str());
        }
        UserAction::Remove { name } => {
            accounts::remove_user(store, &name).await?;
            println!("removed {name}");
        }
        UserAction::List => {
            for user in store.users().await? {
                println!(
                    "{}\t{}\t{}",
                    user.name,
                    user.role.as_str(),
                    if user.app_password_hash.is_some() {
                        "app password set"
                    } else {
                        "no app password"
                    }
                );
            }
        }
        UserAction::Password { name } => {
            let password = read_password()?;
            accounts::set_password(store, &name, &password).await?;
            println!("password of {name} set");
        }
        UserAction::AppPassword { name } => {
            let password = accounts::new_app_password(store, &name).await?;
            println!("{password}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
