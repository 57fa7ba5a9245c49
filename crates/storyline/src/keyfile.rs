//! Where the key for `secured` fields lives: `STORYLINE_KEY` when set, else the key file
//! `<data dir>/storyline.key` (one base64 key per line, newest first, mode 0600), created with
//! one fresh key on first use. The model crate seals and opens; reading the environment and the
//! file is done here, at the program's edge.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use storyline_model::Keyring;

/// Name of the key file inside the data directory.
pub const KEY_FILE_NAME: &str = "storyline.key";
/// Environment variable holding the key (base64 of 32 bytes); overrides the key file.
pub const KEY_ENV_VAR: &str = "STORYLINE_KEY";

/// The key file's path in `data_dir`.
pub fn key_file(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE_NAME)
}

/// The value of `STORYLINE_KEY`, when set and not blank.
pub fn key_from_environment() -> Option<String> {
    std::env::var(KEY_ENV_VAR)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// The keyring: from `env_value` (the environment's key) when given, else from the key file,
/// which is created with one fresh key when missing.
pub fn load(data_dir: &Path, env_value: Option<&str>) -> anyhow::Result<Keyring> {
    if let Some(value) = env_value.filter(|v| !v.trim().is_empty()) {
        return Ok(Keyring::from_base64_lines(value, KEY_ENV_VAR)?);
    }
    let path = key_file(data_dir);
    let name = path.display().to_string();
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Keyring::from_base64_lines(&text, &name)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let keyring = Keyring::generate()?;
            match write_new_private_file(&path, &keyring.to_base64_lines()) {
                Ok(()) => Ok(Keyring::from_base64_lines(
                    &keyring.to_base64_lines(),
                    &name,
                )?),
                // Another process created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read the key file {name}"))?;
                    Ok(Keyring::from_base64_lines(&text, &name)?)
                }
                Err(e) => Err(e).with_context(|| format!("cannot create the key file {name}")),
            }
        }
        Err(e) => Err(e).with_context(|| format!("cannot read the key file {name}")),
    }
}

/// Prepends a fresh key to the key file of `data_dir` (replacing it atomically, mode 0600) and
/// returns the new keyring. Older keys stay, so values sealed under them still open.
pub fn rotate(data_dir: &Path) -> anyhow::Result<Keyring> {
    let current = load(data_dir, None)?;
    let path = key_file(data_dir);
    let rotated = current.with_fresh_key(&path.display().to_string())?;
    let tmp = data_dir.join(format!("{KEY_FILE_NAME}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    write_new_private_file(&tmp, &rotated.to_base64_lines())
        .and_then(|()| std::fs::rename(&tmp, &path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
        .with_context(|| format!("cannot write the key file {}", path.display()))?;
    Ok(rotated)
}

/// Creates `path` (failing if it exists) readable by its owner only, and writes `text` to it.
fn write_new_private_file(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_model::{Provenance, SecuredError};

    fn provenance() -> Provenance {
        Provenance {
            source_url: Some("https://news.example/a".into()),
            ..Provenance::default()
        }
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load(dir.path(), None).unwrap();
        #[cfg(unix)]
        assert_eq!(mode(&key_file(dir.path())), 0o600);
        let sealed = first.seal(&provenance(), "id").unwrap();
        let again = load(dir.path(), None).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again.open(&sealed, "id").unwrap(), provenance());
    }

    #[test]
    fn rotation_keeps_old_values_open_and_seals_with_the_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let old = load(dir.path(), None).unwrap();
        let old_sealed = old.seal(&provenance(), "id").unwrap();
        let rotated = rotate(dir.path()).unwrap();
        assert_eq!(rotated.len(), 2);
        let new_sealed = rotated.seal(&provenance(), "id").unwrap();
        assert!(matches!(
            old.open(&new_sealed, "id"),
            Err(SecuredError::NotOurKey)
        ));
        let reloaded = load(dir.path(), None).unwrap();
        assert_eq!(reloaded.len(), 2);
        assert_eq!(reloaded.open(&new_sealed, "id").unwrap(), provenance());
        assert_eq!(reloaded.open(&old_sealed, "id").unwrap(), provenance());
        #[cfg(unix)]
        assert_eq!(mode(&key_file(dir.path())), 0o600);
    }

    #[test]
    fn the_environments_key_overrides_the_file_and_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let key = Keyring::generate().unwrap().to_base64_lines();
        let ring = load(dir.path(), Some(&key)).unwrap();
        assert_eq!((ring.len(), ring.source()), (1, KEY_ENV_VAR));
        assert!(!key_file(dir.path()).exists());
        let err = load(dir.path(), Some("c2hvcnQ=")).unwrap_err();
        assert!(err.to_string().contains("not base64 of 32 bytes"), "{err}");
    }

    #[test]
    fn an_empty_key_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(key_file(dir.path()), "\n# no keys\n").unwrap();
        let err = load(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("holds no key"), "{err}");
    }
}
