//! Backoff for guessed secrets: admin passwords and bearer or read tokens.
//!
//! Failures are counted per account (the normalised user name of a login, for accounts that
//! exist) and per client address (whatever secret the address offered). The first
//! [`ThrottleConfig::free_failures`] failures cost nothing; from then on each further failure
//! locks its account and address for a wait that doubles, from
//! [`ThrottleConfig::base_delay`] up to [`ThrottleConfig::max_delay`]. While locked, an attempt
//! is refused before its secret is even looked at, so the right password is refused too: a
//! guesser learns nothing until the wait is over. A record is forgotten
//! [`ThrottleConfig::window`] after its last failure once its wait is over.
//!
//! A login is counted as a failure when it is let through and cleared when the password turns
//! out right, so concurrent guesses cannot all slip in before the first one is counted. A
//! successful login clears its account and its address; a valid token clears nothing (it proves
//! nothing about the other guesses from that address).
//!
//! Memory is bounded: each table holds at most [`ThrottleConfig::max_entries`] records; when
//! one is full, forgotten records go first, then the ones closest to being forgotten (those
//! with the least wait ahead), so rotating addresses cannot grow it nor free a locked account.
//!
//! The client address is the socket peer (from axum's `ConnectInfo`); only when that peer is
//! one of [`crate::ServerConfig::trusted_proxies`] is `X-Forwarded-For` believed, read from the
//! right and stopping at the first address that is not a trusted proxy. IPv6 addresses count
//! per /64, the block one subscriber usually holds.

use std::collections::HashMap;
use std::convert::Infallible;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;

use crate::AppState;
use crate::error::{ApiError, ErrorCode};

/// How wrong secrets are slowed down.
#[derive(Debug, Clone)]
pub struct ThrottleConfig {
    /// Failures an account or address may make before any wait.
    pub free_failures: u32,
    /// Wait after the first failure beyond the free ones; it doubles with each further one.
    pub base_delay: Duration,
    /// Longest wait.
    pub max_delay: Duration,
    /// A record is forgotten this long after its last failure, once its wait is over.
    pub window: Duration,
    /// Most records kept per table (accounts, addresses); at least one is always kept.
    pub max_entries: usize,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            free_failures: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(15 * 60),
            window: Duration::from_secs(15 * 60),
            max_entries: 10_000,
        }
    }
}

impl ThrottleConfig {
    /// The wait after the `failures`-th failure in a row.
    fn delay_after(&self, failures: u32) -> Duration {
        if failures < self.free_failures {
            return Duration::ZERO;
        }
        let doublings = failures - self.free_failures;
        let factor = 1u32.checked_shl(doublings).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// An attempt refused because its account or address is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked {
    /// How long until the next attempt is let through.
    pub wait: Duration,
}

impl Locked {
    /// Whole seconds to wait, rounded up (at least one), as sent in `Retry-After`.
    pub fn retry_after_secs(&self) -> u64 {
        let secs = self.wait.as_secs() + u64::from(self.wait.subsec_nanos() > 0);
        secs.max(1)
    }

    /// The wait in words ("45 seconds", "2 minutes 5 seconds").
    pub fn in_words(&self) -> String {
        let secs = self.retry_after_secs();
        let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
        match (secs / 60, secs % 60) {
            (0, s) => plural(s, "second"),
            (m, 0) => plural(m, "minute"),
            (m, s) => format!("{} {}", plural(m, "minute"), plural(s, "second")),
        }
    }

    /// The wall-clock time the wait ends, as `HH:MM:SS UTC`.
    pub fn until_utc(&self) -> String {
        let wait = chrono::Duration::seconds(i64::try_from(self.retry_after_secs()).unwrap_or(0));
        (chrono::Utc::now() + wait)
            .format("%H:%M:%S UTC")
            .to_string()
    }

    /// The `Retry-After` header value.
    pub fn retry_after(&self) -> HeaderValue {
        HeaderValue::from(self.retry_after_secs())
    }

    /// The JSON refusal of a token check: 429 `too_many_attempts` with `Retry-After`.
    pub fn api_response(&self) -> Response {
        let mut response = ApiError::new(
            ErrorCode::TooManyAttempts,
            format!(
                "too many wrong tokens from this address; try again in {}",
                self.in_words()
            ),
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, self.retry_after());
        response
    }
}

/// One account's or address's failures.
#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    last: Instant,
    until: Instant,
}

impl Record {
    fn forget_at(&self, window: Duration) -> Instant {
        self.until.max(self.last) + window
    }
}

/// Records by key, at most `max_entries` of them.
struct Table<K> {
    records: HashMap<K, Record>,
}

impl<K: Hash + Eq + Clone> Table<K> {
    fn new() -> Self {
        Self {
            records: HashMap::new(),
        }
    }

    /// The wait ahead of `key`, if it is locked.
    fn wait(&self, key: &K, now: Instant) -> Option<Duration> {
        self.records
            .get(key)
            .filter(|r| r.until > now)
            .map(|r| r.until - now)
    }

    /// Counts a failure of `key`.
    fn fail(&mut self, key: K, now: Instant, config: &ThrottleConfig) {
        if !self.records.contains_key(&key) && self.records.len() >= config.max_entries {
            self.make_room(now, config);
        }
        let record = self.records.entry(key).or_insert(Record {
            failures: 0,
            last: now,
            until: now,
        });
        if record.forget_at(config.window) <= now {
            record.failures = 0;
        }
        record.failures = record.failures.saturating_add(1);
        record.last = now;
        let delay = config.delay_after(record.failures);
        if !delay.is_zero() {
            record.until = record.until.max(now + delay);
        }
    }

    /// Drops forgotten records, and if the table is still full, the one closest to being
    /// forgotten.
    fn make_room(&mut self, now: Instant, config: &ThrottleConfig) {
        self.records.retain(|_, r| r.forget_at(config.window) > now);
        while self.records.len() >= config.max_entries.max(1) {
            let Some(soonest) = self
                .records
                .iter()
                .min_by_key(|(_, r)| r.forget_at(config.window))
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            self.records.remove(&soonest);
        }
    }

    fn clear(&mut self, key: &K) {
        self.records.remove(key);
    }
}

struct Tables {
    accounts: Table<String>,
    addresses: Table<IpAddr>,
}

/// Failure counts of accounts and addresses; one per server.
pub struct Throttle {
    config: ThrottleConfig,
    tables: Mutex<Tables>,
}

impl Throttle {
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            config,
            tables: Mutex::new(Tables {
                accounts: Table::new(),
                addresses: Table::new(),
            }),
        }
    }

    /// Lets a login attempt through, counting it as failed until [`Self::login_succeeded`],
    /// or refuses it while `account` (an existing account's normalised name, if any) or
    /// `addr` is locked.
    pub fn begin_login(&self, account: Option<&str>, addr: IpAddr) -> Result<(), Locked> {
        self.begin_login_at(account, addr, Instant::now())
    }

    fn begin_login_at(
        &self,
        account: Option<&str>,
        addr: IpAddr,
        now: Instant,
    ) -> Result<(), Locked> {
        let Ok(mut tables) = self.tables.lock() else {
            // A poisoned lock means a panic while counting: refuse rather than count nothing.
            return Err(Locked {
                wait: self.config.base_delay,
            });
        };
        let by_account = account.and_then(|a| tables.accounts.wait(&a.to_string(), now));
        let by_address = tables.addresses.wait(&addr, now);
        if let Some(wait) = by_account.max(by_address) {
            return Err(Locked { wait });
        }
        if let Some(account) = account {
            tables.accounts.fail(account.to_string(), now, &self.config);
        }
        tables.addresses.fail(addr, now, &self.config);
        Ok(())
    }

    /// Clears `account` and `addr` after a right password.
    pub fn login_succeeded(&self, account: &str, addr: IpAddr) {
        if let Ok(mut tables) = self.tables.lock() {
            tables.accounts.clear(&account.to_string());
            tables.addresses.clear(&addr);
        }
    }

    /// Whether `addr` may have a token checked now.
    pub fn check_address(&self, addr: IpAddr) -> Result<(), Locked> {
        self.check_address_at(addr, Instant::now())
    }

    fn check_address_at(&self, addr: IpAddr, now: Instant) -> Result<(), Locked> {
        let Ok(tables) = self.tables.lock() else {
            return Err(Locked {
                wait: self.config.base_delay,
            });
        };
        match tables.addresses.wait(&addr, now) {
            Some(wait) => Err(Locked { wait }),
            None => Ok(()),
        }
    }

    /// Counts a wrong token from `addr`.
    pub fn token_failed(&self, addr: IpAddr) {
        self.token_failed_at(addr, Instant::now());
    }

    fn token_failed_at(&self, addr: IpAddr, now: Instant) {
        if let Ok(mut tables) = self.tables.lock() {
            tables.addresses.fail(addr, now, &self.config);
        }
    }

    /// Records kept: `(accounts, addresses)`.
    pub fn tracked(&self) -> (usize, usize) {
        self.tables
            .lock()
            .map(|t| (t.accounts.records.len(), t.addresses.records.len()))
            .unwrap_or((0, 0))
    }
}

/// The address failures are counted under when the peer is not known (a router mounted
/// without `ConnectInfo`): every such client shares it.
pub const UNKNOWN_CLIENT: IpAddr = IpAddr::V6(Ipv6Addr::UNSPECIFIED);

/// The client address failures are counted under: the peer, or, when the peer is a trusted
/// proxy, the nearest untrusted hop of `X-Forwarded-For`; IPv6 cut to its /64.
pub fn client_addr(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let Some(peer) = peer else {
        return UNKNOWN_CLIENT;
    };
    let is_trusted = |ip: &IpAddr| {
        trusted
            .iter()
            .any(|t| t.to_canonical() == ip.to_canonical())
    };
    let mut client = peer.to_canonical();
    if is_trusted(&client) {
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            // An unreadable hop ends the walk: the last proxy stands for the client.
            let Ok(ip) = hop.parse::<IpAddr>() else {
                break;
            };
            client = ip.to_canonical();
            if !is_trusted(&client) {
                break;
            }
        }
    }
    match client {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & (u128::MAX << 64);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

/// [`client_addr`] of a request's parts.
pub fn client_addr_of(state: &AppState, extensions: &Extensions, headers: &HeaderMap) -> IpAddr {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    client_addr(peer, headers, &state.config().trusted_proxies)
}

/// The client address of a request (see [`client_addr`]).
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(ClientAddr(client_addr_of(
            state,
            &parts.extensions,
            &parts.headers,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ThrottleConfig {
        ThrottleConfig {
            free_failures: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            window: Duration::from_secs(600),
            max_entries: 100,
        }
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn waits_double_after_the_free_failures_and_stop_at_the_cap() {
        let c = config();
        let waits: Vec<u64> = (1..=12).map(|n| c.delay_after(n).as_secs()).collect();
        assert_eq!(waits, [0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60]);
        assert_eq!(c.delay_after(u32::MAX), c.max_delay);
    }

    #[test]
    fn a_locked_login_is_refused_whatever_the_password_until_the_wait_is_over() {
        let t = Throttle::new(config());
        let a = ip("203.0.113.9");
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(t.begin_login_at(Some("admin"), a, start), Ok(()));
        }
        // The third failure locks for one second: nothing gets through, not even a success
        // (the caller never reaches the password check).
        let locked = t.begin_login_at(Some("admin"), a, start + SEC / 2);
        assert_eq!(locked, Err(Locked { wait: SEC / 2 }));
        // Once the wait is over, an attempt is let through and counted (now two seconds).
        assert_eq!(t.begin_login_at(Some("admin"), a, start + SEC), Ok(()));
        let locked = t.begin_login_at(Some("admin"), a, start + SEC).unwrap_err();
        assert_eq!(locked.wait, 2 * SEC);
        // A right password clears both records.
        t.login_succeeded("admin", a);
        assert_eq!(t.tracked(), (0, 0));
        assert_eq!(t.begin_login_at(Some("admin"), a, start + SEC), Ok(()));
    }

    #[test]
    fn an_account_is_locked_for_every_address_and_an_address_for_every_account() {
        let t = Throttle::new(config());
        let now = Instant::now();
        // Three addresses guess the admin password once each: the account is locked.
        for n in 1..=3 {
            let addr = ip(&format!("198.51.100.{n}"));
            assert_eq!(t.begin_login_at(Some("admin"), addr, now), Ok(()));
        }
        assert!(
            t.begin_login_at(Some("admin"), ip("198.51.100.4"), now)
                .is_err()
        );
        // A fresh address on another account is not held back by them.
        assert_eq!(
            t.begin_login_at(Some("editor"), ip("192.0.2.7"), now),
            Ok(())
        );
        // One address failing on unknown accounts (no account record) is locked itself.
        let guesser = ip("192.0.2.99");
        for _ in 0..3 {
            assert_eq!(t.begin_login_at(None, guesser, now), Ok(()));
        }
        assert!(t.begin_login_at(Some("editor"), guesser, now).is_err());
        assert!(t.check_address_at(guesser, now).is_err());
    }

    #[test]
    fn wrong_tokens_lock_their_address_and_a_right_one_is_refused_meanwhile() {
        let t = Throttle::new(config());
        let a = ip("203.0.113.50");
        let now = Instant::now();
        for _ in 0..2 {
            assert_eq!(t.check_address_at(a, now), Ok(()));
            t.token_failed_at(a, now);
        }
        assert_eq!(t.check_address_at(a, now), Ok(()));
        t.token_failed_at(a, now);
        assert_eq!(t.check_address_at(a, now), Err(Locked { wait: SEC }));
        assert_eq!(t.check_address_at(ip("203.0.113.51"), now), Ok(()));
        assert_eq!(t.check_address_at(a, now + SEC), Ok(()));
    }

    #[test]
    fn old_failures_are_forgotten_after_the_window() {
        let c = config();
        let t = Throttle::new(c.clone());
        let a = ip("203.0.113.1");
        let now = Instant::now();
        t.token_failed_at(a, now);
        t.token_failed_at(a, now);
        // Long after, two more failures are again free.
        let later = now + c.window + SEC;
        t.token_failed_at(a, later);
        t.token_failed_at(a, later);
        assert_eq!(t.check_address_at(a, later), Ok(()));
        t.token_failed_at(a, later);
        assert!(t.check_address_at(a, later).is_err());
    }

    #[test]
    fn the_tables_stay_bounded_and_keep_the_locked_records_under_a_flood() {
        let c = config();
        let t = Throttle::new(c.clone());
        let now = Instant::now();
        let victim = ip("203.0.113.77");
        for _ in 0..8 {
            let _ = t.begin_login_at(Some("admin"), victim, now);
            t.token_failed_at(victim, now);
        }
        let wait_before = t.check_address_at(victim, now).unwrap_err().wait;
        // A flood from 20,000 other addresses (IPv4 and distinct IPv6 /64s).
        for n in 0u32..20_000 {
            let addr = if n % 2 == 0 {
                IpAddr::from(n.to_be_bytes())
            } else {
                IpAddr::V6(Ipv6Addr::from(u128::from(n) << 64))
            };
            let _ = t.begin_login_at(Some("admin"), addr, now);
            t.token_failed_at(addr, now);
        }
        let (accounts, addresses) = t.tracked();
        assert_eq!(accounts, 1);
        assert!(addresses <= c.max_entries, "{addresses} records");
        // The locked address is still locked, and the account too.
        assert_eq!(
            t.check_address_at(victim, now).unwrap_err().wait,
            wait_before
        );
        assert!(
            t.begin_login_at(Some("admin"), ip("192.0.2.1"), now)
                .is_err()
        );
    }

    #[test]
    fn forgotten_records_make_room_first() {
        let c = ThrottleConfig {
            max_entries: 3,
            ..config()
        };
        let t = Throttle::new(c.clone());
        let now = Instant::now();
        for n in 1..=3 {
            t.token_failed_at(ip(&format!("192.0.2.{n}")), now);
        }
        let later = now + c.window + SEC;
        t.token_failed_at(ip("192.0.2.10"), later);
        assert_eq!(t.tracked().1, 1);
    }

    #[test]
    fn the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.1, 203.0.113.5, 10.0.0.2"),
        );
        let peer = Some(ip("10.0.0.1"));
        // Not trusted: the header is ignored.
        assert_eq!(client_addr(peer, &h, &[]), ip("10.0.0.1"));
        // Trusted: the nearest untrusted hop (10.0.0.2 is a trusted proxy too).
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        assert_eq!(client_addr(peer, &h, &trusted), ip("203.0.113.5"));
        // A garbled hop stops the walk at the last proxy.
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.5, not-an-ip"),
        );
        assert_eq!(client_addr(peer, &h, &trusted), ip("10.0.0.1"));
        // No header: the peer.
        assert_eq!(
            client_addr(peer, &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(client_addr(None, &h, &trusted), UNKNOWN_CLIENT);
    }

    #[test]
    fn ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() {
        let h = HeaderMap::new();
        let a = client_addr(Some(ip("2001:db8:1:2:aaaa::1")), &h, &[]);
        let b = client_addr(Some(ip("2001:db8:1:2:bbbb::9")), &h, &[]);
        let other = client_addr(Some(ip("2001:db8:1:3::1")), &h, &[]);
        assert_eq!(a, b);
        assert_ne!(a, other);
        assert_eq!(
            client_addr(Some(ip("::ffff:192.0.2.4")), &h, &[]),
            ip("192.0.2.4")
        );
    }

    #[test]
    fn waits_read_well() {
        let words = |secs: f64| {
            Locked {
                wait: Duration::from_secs_f64(secs),
            }
            .in_words()
        };
        assert_eq!(words(0.2), "1 second");
        assert_eq!(words(44.5), "45 seconds");
        assert_eq!(words(120.0), "2 minutes");
        assert_eq!(words(125.0), "2 minutes 5 seconds");
    }
}
