//! The writer lock of a store file: an exclusive advisory lock on `<database>.writer`
//! beside it, taken by the pipeline that clusters into the store. The operating system drops
//! it when the process ends, however it ends, so a killed writer never leaves a stale lock.
//! The file holds the holder's process id, for the message a second writer gets.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{StoreError, StoreResult};

/// The lock file of a database file.
pub(crate) fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".writer");
    PathBuf::from(name)
}

/// Takes the lock, or says who holds it.
pub(crate) fn take(db: &Path) -> StoreResult<File> {
    let path = lock_path(db);
    let io = |context: &str, source: std::io::Error| StoreError::Io {
        context: format!("{context} {}", path.display()),
        source,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| io("cannot open the writer lock", e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            return Err(StoreError::WriterBusy {
                holder: if holder.is_empty() {
                    format!("lock {}", path.display())
                } else {
                    format!("process {holder}, lock {}", path.display())
                },
            });
        }
        Err(TryLockError::Error(e)) => return Err(io("cannot lock", e)),
    }
    file.set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| write!(file, "{}", std::process::id()))
        .and_then(|()| file.flush())
        .map_err(|e| io("cannot write the writer lock", e))?;
    Ok(file)
}
