//! How long a connection may take, and how many may be open: [`ConnectionLimits`].

use std::time::Duration;

/// The bounds [`serve_with`](super::serve_with) puts on connections.
///
/// ```
/// use std::time::Duration;
/// use contentkit::runtime::server::ConnectionLimits;
///
/// let limits = ConnectionLimits {
///     idle_timeout: Duration::from_secs(2),
///     max_connections: Some(500),
///     ..ConnectionLimits::default()
/// };
/// assert_eq!(limits.connection_cap(), 500);
/// // Without an override, the cap is below the process's descriptor limit.
/// assert!(ConnectionLimits::default().connection_cap() >= 1);
/// ```
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// The time a client has to send a complete request head, counted from when the
    /// connection is ready for one (accepted, or its previous response sent). A client
    /// dribbling its headers (slowloris) is closed when it runs out. Default: 10 s.
    pub header_read_timeout: Duration,
    /// A connection that moves no bytes either way for this long while no request is
    /// being handled is closed: idle keep-alive connections, clients that connect and
    /// send nothing, and clients that stop reading their response. Default: 5 s, as
    /// Node's `keepAliveTimeout`.
    pub idle_timeout: Duration,
    /// The most connections open at once; `None` derives it from the descriptor limit
    /// (`RLIMIT_NOFILE`), see [`ConnectionLimits::connection_cap`].
    pub max_connections: Option<usize>,
    /// After a response that closes the connection with request bytes still unread
    /// (a 413 sent before the body), the server stops writing and reads and discards
    /// what the client still sends, for at most this long, before it closes: closing
    /// with unread bytes would reset the connection and lose the response the client
    /// has not read yet. Default: 10 s.
    pub linger_timeout: Duration,
    /// On shutdown, how long the requests under way have to finish. Default: 10 s.
    pub shutdown_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
            max_connections: None,
            linger_timeout: Duration::from_secs(10),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// The descriptors kept out of the connection budget by default: an eighth of the
/// limit, within these bounds (the runtime's own descriptors, files, logs).
const RESERVED_MIN: u64 = 32;
const RESERVED_MAX: u64 = 1024;

/// The cap when the descriptor limit is unknown or unlimited.
const UNLIMITED_CAP: usize = 16_384;

impl ConnectionLimits {
    /// The most connections served at once: [`ConnectionLimits::max_connections`], or
    /// else the soft descriptor limit less an eighth of it (at least 32, at most
    /// 1,024 descriptors kept back): 896 under `ulimit -n 1024`.
    pub fn connection_cap(&self) -> usize {
        if let Some(cap) = self.max_connections {
            return cap.max(1);
        }
        match descriptor_limit() {
            Some(limit) => {
                let reserved = (limit / 8).clamp(RESERVED_MIN, RESERVED_MAX);
                let cap = limit.saturating_sub(reserved).max(1);
                usize::try_from(cap).map_or(UNLIMITED_CAP, |cap| cap.min(UNLIMITED_CAP))
            }
            None => UNLIMITED_CAP,
        }
    }

    /// Sockets that may be open past the cap, each for a moment: refused newcomers
    /// being told so, and evicted connections not closed yet.
    pub(super) fn spare_sockets(&self) -> usize {
        (self.connection_cap() / 16).clamp(4, 64)
    }
}

/// The soft `RLIMIT_NOFILE`, where there is one.
#[cfg(unix)]
fn descriptor_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

#[cfg(not(unix))]
fn descriptor_limit() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_wins_and_is_never_zero() {
        let limits = |cap| ConnectionLimits {
            max_connections: Some(cap),
            ..ConnectionLimits::default()
        };
        assert_eq!(limits(7).connection_cap(), 7);
        assert_eq!(limits(0).connection_cap(), 1);
        assert_eq!(limits(7).spare_sockets(), 4);
        assert_eq!(limits(4096).spare_sockets(), 64);
    }

    #[cfg(unix)]
    #[test]
    fn the_derived_cap_leaves_descriptors_spare() {
        let limits = ConnectionLimits::default();
        let cap = limits.connection_cap();
        if let Some(limit) = descriptor_limit() {
            let budget = (cap + limits.spare_sockets()) as u64;
            assert!(budget < limit, "cap {cap} under a limit of {limit}");
        }
    }
}
