//! Where a command's output goes, and how it gets there without harm (issue 13, "safe outputs"):
//!
//! - standard output when there is no `-o` or it is `-` (also `/dev/stdout`, `/dev/fd/1`);
//! - a character device, a FIFO or a socket (`/dev/null`, a named pipe): written into, in place;
//! - a regular file, new or existing: written to a temporary file beside it and renamed over it
//!   at the end, so a failed or interrupted run leaves the old file (or none); a symbolic link is
//!   followed and its target replaced, the link kept; an existing file keeps its permissions
//!   (and, for root, its owner); a new one is created with the usual permissions (0666 less the
//!   umask), or 0600 when the graph holds personal data (a person's INN, identity document or
//!   address);
//! - never one of the command's inputs (compared by device and inode, so a link or another
//!   spelling of the same file is recognised): that is refused (exit 2) before any work.
//!
//! The temporary file is removed when the run fails, and on SIGINT, SIGTERM or SIGHUP (a
//! handler removes it and exits with 128 + the signal); only SIGKILL can leave one behind.

use std::fs::{File, Metadata};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use super::common::CliError;

/// Where output goes, checked before any work is done.
#[derive(Debug)]
pub struct Output {
    dest: Dest,
    /// The output holds personal data: a new file is created 0600.
    personal: bool,
}

#[derive(Debug)]
enum Dest {
    /// Standard output.
    Stdout,
    /// A device, FIFO or socket: written into as it is.
    Direct { path: PathBuf },
    /// A regular file replaced atomically: `path` with symbolic links followed, `shown` as the
    /// user wrote it, the metadata of the file it replaces.
    File { path: PathBuf, shown: PathBuf, existing: Option<Metadata> },
}

fn io_error(path: &Path, what: &str, e: impl std::fmt::Display) -> CliError {
    CliError::Io(format!("{}: {what}: {e}", path.display()))
}

impl Output {
    /// Checks the destination: `None` or `-` is standard output; a path that is one of `inputs`
    /// is refused; a directory is refused.
    pub fn prepare(path: Option<&Path>, inputs: &[PathBuf]) -> Result<Output, CliError> {
        let Some(path) = path else { return Ok(Output { dest: Dest::Stdout, personal: false }) };
        if path == Path::new("-") || is_stdout_alias(path) {
            return Ok(Output { dest: Dest::Stdout, personal: false });
        }
        let meta = std::fs::metadata(path).ok();
        if let Some(m) = &meta {
            for input in inputs.iter().flat_map(|i| expand_input(i)) {
                if let Ok(im) = std::fs::metadata(&input)
                    && same_file(m, &im)
                {
                    return Err(CliError::Usage(format!(
                        "{}: the output is the input file {}; writing it would destroy the input (choose another -o)",
                        path.display(),
                        input.display()
                    )));
                }
            }
        }
        let dest = match meta {
            Some(m) if m.is_dir() => {
                return Err(CliError::Usage(format!("{}: is a directory; -o needs a file name", path.display())));
            }
            Some(m) if !m.is_file() => Dest::Direct { path: path.to_path_buf() },
            Some(m) => {
                let real = std::fs::canonicalize(path).map_err(|e| io_error(path, "cannot resolve", e))?;
                Dest::File { path: real, shown: path.to_path_buf(), existing: Some(m) }
            }
            None => Dest::File { path: resolve_dangling(path), shown: path.to_path_buf(), existing: None },
        };
        Ok(Output { dest, personal: false })
    }

    /// Says whether the output holds personal data (a new file is then created 0600).
    pub fn set_personal(&mut self, personal: bool) {
        self.personal = personal;
    }

    /// True when the output is a file (not standard output or a device).
    pub fn is_file(&self) -> bool {
        matches!(self.dest, Dest::File { .. })
    }

    /// Writes `content` whole.
    pub fn write(self, content: &[u8]) -> Result<(), CliError> {
        let mut w = self.open()?;
        w.write_all(content)?;
        w.commit()
    }

    /// Opens the destination for writing as the output is produced; [`Writer::commit`] finishes.
    pub fn open(self) -> Result<Writer, CliError> {
        match self.dest {
            Dest::Stdout => Ok(Writer::Stdout(std::io::stdout().lock())),
            Dest::Direct { path } => {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .map_err(|e| io_error(&path, "cannot open for writing", e))?;
                Ok(Writer::Direct { out: std::io::BufWriter::with_capacity(1 << 16, f), path })
            }
            Dest::File { path, shown, existing } => {
                let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
                let prefix = format!(".{}.", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
                let mut builder = tempfile::Builder::new();
                builder.prefix(&prefix).suffix(".owngraph-tmp");
                set_new_mode(&mut builder, self.personal);
                let tmp = create_pending(&builder, dir).map_err(|e| io_error(&shown, "cannot create", e))?;
                if let Some(m) = &existing {
                    keep_owner_and_mode(tmp.as_file(), m);
                }
                Ok(Writer::File { tmp: std::io::BufWriter::with_capacity(1 << 20, tmp), path, shown })
            }
        }
    }
}

/// The files a graph argument stands for (a directory is its CSV pair).
fn expand_input(p: &Path) -> Vec<PathBuf> {
    if p.is_dir() { vec![p.join("parties.csv"), p.join("relations.csv")] } else { vec![p.to_path_buf()] }
}

/// `/dev/stdout` and its aliases: written through the process's own standard output, so a
/// redirection in append mode (`>>`) appends.
fn is_stdout_alias(p: &Path) -> bool {
    [Path::new("/dev/stdout"), Path::new("/dev/fd/1"), Path::new("/proc/self/fd/1")].contains(&p)
}

/// A symbolic link whose target does not exist yet: the target (so the link is kept and the
/// target created); any other path as it is.
fn resolve_dangling(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(path) {
            Ok(target) if target.is_absolute() => target,
            Ok(target) => path.parent().unwrap_or(Path::new(".")).join(target),
            Err(_) => path.to_path_buf(),
        },
        _ => path.to_path_buf(),
    }
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &Metadata, _: &Metadata) -> bool {
    false
}

#[cfg(unix)]
fn set_new_mode(builder: &mut tempfile::Builder, personal: bool) {
    use std::os::unix::fs::PermissionsExt;
    // The umask applies, as for any file a program creates.
    builder.permissions(std::fs::Permissions::from_mode(if personal { 0o600 } else { 0o666 }));
}

#[cfg(not(unix))]
fn set_new_mode(_: &mut tempfile::Builder, _: bool) {}

/// The replacing file gets the permissions of the file it replaces, and its owner and group
/// when we may set them (as root); best effort, the content is what matters.
#[cfg(unix)]
fn keep_owner_and_mode(f: &File, m: &Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(f, Some(m.uid()), Some(m.gid()));
    let _ = f.set_permissions(m.permissions());
}

#[cfg(not(unix))]
fn keep_owner_and_mode(f: &File, m: &Metadata) {
    let _ = f.set_permissions(m.permissions());
}

/// Output being written.
pub enum Writer {
    /// Standard output.
    Stdout(std::io::StdoutLock<'static>),
    /// A device or FIFO.
    Direct {
        /// The open device.
        out: std::io::BufWriter<File>,
        /// Its path.
        path: PathBuf,
    },
    /// A temporary file beside the destination.
    File {
        /// The temporary file.
        tmp: std::io::BufWriter<tempfile::NamedTempFile>,
        /// Where it goes (symbolic links followed).
        path: PathBuf,
        /// The destination as the user wrote it.
        shown: PathBuf,
    },
}

impl Writer {
    /// Appends bytes.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        match self {
            Writer::Stdout(s) => stdout_result(s.write_all(bytes)),
            Writer::Direct { out, path } => out.write_all(bytes).map_err(|e| io_error(path, "cannot write", e)),
            Writer::File { tmp, shown, .. } => tmp.write_all(bytes).map_err(|e| io_error(shown, "cannot write", e)),
        }
    }

    /// Finishes: flushes, or renames the temporary file into place.
    pub fn commit(self) -> Result<(), CliError> {
        match self {
            Writer::Stdout(mut s) => stdout_result(s.flush()),
            Writer::Direct { mut out, path } => out.flush().map_err(|e| io_error(&path, "cannot write", e)),
            Writer::File { tmp, path, shown } => {
                let tmp = tmp.into_inner().map_err(|e| io_error(&shown, "cannot write", e.error()))?;
                let tmp_path = tmp.path().to_path_buf();
                let done = tmp.persist(&path).map(|_| ()).map_err(|e| io_error(&shown, "cannot write", e.error));
                pending_remove(&tmp_path);
                done
            }
        }
    }
}

/// A [`Writer`] as an [`std::io::Write`], for serializers that stream (the JSON of a check with a
/// million holders is written as it is made, not held in memory).
impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Writer::Stdout(s) => match s.write_all(buf) {
                // A closed pipe (`| head`) is not an error of ours: the rest is dropped.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(buf.len()),
                r => r.map(|_| buf.len()),
            },
            Writer::Direct { out, .. } => out.write(buf),
            Writer::File { tmp, .. } => tmp.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Writer::Stdout(s) => s.flush(),
            Writer::Direct { out, .. } => out.flush(),
            Writer::File { tmp, .. } => tmp.flush(),
        }
    }
}

fn stdout_result(r: std::io::Result<()>) -> Result<(), CliError> {
    match r {
        // A closed pipe (`| head`) is not an error of ours.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Io(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Temporary files to remove if a signal ends the run.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Creates the temporary file and registers it for removal on a signal, with no moment in
/// between: the handler is installed first, and the list stays locked until the file is on it
/// (a signal arriving meanwhile waits for the lock, then removes the file).
fn create_pending(builder: &tempfile::Builder, dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    install_signal_cleanup();
    let mut pending = PENDING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let tmp = builder.tempfile_in(dir)?;
    pending.push(tmp.path().to_path_buf());
    Ok(tmp)
}

fn pending_remove(p: &Path) {
    if let Ok(mut v) = PENDING.lock() {
        v.retain(|q| q != p);
    }
}

/// On SIGINT, SIGTERM or SIGHUP: removes the temporary files and exits with 128 + the signal,
/// as the default action would (a shell reports it the same way).
#[cfg(unix)]
fn install_signal_cleanup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
        let _ = std::thread::Builder::new().name("signals".into()).spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let files = PENDING.lock().map(|v| v.clone()).unwrap_or_default();
                for f in files {
                    let _ = std::fs::remove_file(f);
                }
                eprintln!("owngraph: interrupted (signal {sig}); no output written");
                std::process::exit(128 + sig);
            }
        });
    });
}

#[cfg(not(unix))]
fn install_signal_cleanup() {}
