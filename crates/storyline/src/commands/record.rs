//! `storyline fmt`, `storyline secured` and `storyline key`: the record format and its
//! encrypted private part, from the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use storyline_model::Record;

use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// A record file (`-` for standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct SecuredArgs {
    /// A record file (`-` for standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    pub action: KeyAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum KeyAction {
    /// Add a fresh key; new values are sealed with it, old ones still open.
    Rotate,
    /// Show where the key lives and how many keys the keyring holds (never the keys).
    Show,
}

fn read_input(path: &PathBuf) -> anyhow::Result<(Vec<u8>, String)> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .context("cannot read standard input")?;
        Ok((bytes, "<stdin>".into()))
    } else {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok((bytes, path.display().to_string()))
    }
}

pub fn fmt(args: FmtArgs) -> anyhow::Result<ExitCode> {
    let (bytes, origin) = read_input(&args.file)?;
    let record = Record::parse_bytes(&bytes, &origin)?;
    print!("{}", record.to_text());
    Ok(ExitCode::SUCCESS)
}

pub fn secured(args: SecuredArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let (bytes, origin) = read_input(&args.file)?;
    let record = Record::parse_bytes(&bytes, &origin)?;
    let Some(value) = record
        .get("secured")
        .and_then(|n| n.as_scalar())
        .map(|s| s.text().to_string())
    else {
        anyhow::bail!("{origin}: the record has no `secured` field");
    };
    let id = record.id()?;
    let keyring = settings.keyring()?;
    let provenance = keyring
        .open(&value, &id)
        .with_context(|| format!("{origin}: cannot open `secured` (record id {id})"))?;
    println!("{}", serde_json::to_string_pretty(&provenance)?);
    Ok(ExitCode::SUCCESS)
}

pub fn key(args: KeyArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    match args.action {
        KeyAction::Rotate => {
            if crate::keyfile::key_from_environment().is_some() {
                anyhow::bail!(
                    "STORYLINE_KEY is set: rotate the key where that variable comes from"
                );
            }
            std::fs::create_dir_all(&settings.data_dir)?;
            let keyring =
                crate::keyfile::rotate(&settings.data_dir).context("cannot rotate the key")?;
            println!(
                "added a new key to {} ({} keys; values sealed earlier still open)",
                crate::keyfile::key_file(&settings.data_dir).display(),
                keyring.len()
            );
        }
        KeyAction::Show => {
            let keyring = settings.keyring()?;
            let source = if crate::keyfile::key_from_environment().is_some() {
                "STORYLINE_KEY".to_string()
            } else {
                settings
                    .data_dir
                    .join(crate::keyfile::KEY_FILE_NAME)
                    .display()
                    .to_string()
            };
            println!("{} key(s) from {source}", keyring.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}
