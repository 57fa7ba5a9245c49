//! SSRF guard: which network addresses the fetcher may reach.
//!
//! A URL given by a feed, an OPML file or a redirect is attacker-controlled, so every address the
//! fetcher connects to is checked here:
//!
//! - [`GuardConfig::check_url`] refuses bad schemes and IP literals in any notation (decimal
//!   `2130706433`, octal `0177.0.0.1`, hex `0x7f.1`, short `127.1`, IPv6 `[::1]`,
//!   `[::ffff:127.0.0.1]`) before a request is sent, on the first URL and on every redirect hop;
//! - [`GuardedResolver`] is the client's DNS resolver: it drops every resolved address that is not
//!   public, at connect time, so a name that re-binds to `127.0.0.1` after a first check cannot slip
//!   past (DNS rebinding).
//!
//! Non-public means loopback, private (RFC 1918), CGNAT, link-local, unique-local, multicast,
//! broadcast, unspecified, documentation, benchmarking and reserved ranges, and IPv6 addresses that
//! embed one of those (IPv4-mapped, IPv4-compatible, NAT64, 6to4). A deployment, and the tests,
//! allow ranges explicitly with [`GuardConfig::allow`].

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

/// A CIDR range of addresses (`10.0.0.0/8`, `::1/128`; a bare address is a single-host range).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

/// Why a text is not an [`IpRange`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an address range: {reason}")]
pub struct IpRangeError {
    text: String,
    reason: &'static str,
}

impl IpRange {
    /// The range `network/prefix`; the prefix is clamped to the address width.
    pub fn new(network: IpAddr, prefix: u8) -> Self {
        let width = match network {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        Self {
            network,
            prefix: prefix.min(width),
        }
    }

    /// Whether `ip` lies inside this range (an IPv4 range never contains an IPv6 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_match(u32::from(net).into(), u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_match(u128::from(net), u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn prefix_match(net: u128, ip: u128, prefix: u8, width: u32) -> bool {
    if prefix == 0 {
        return true;
    }
    let shift = width - u32::from(prefix);
    (net >> shift) == (ip >> shift)
}

impl FromStr for IpRange {
    type Err = IpRangeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |reason| IpRangeError {
            text: text.to_string(),
            reason,
        };
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((addr, prefix)) => (
                addr,
                Some(prefix.parse::<u8>().map_err(|_| err("bad prefix length"))?),
            ),
            None => (text.trim(), None),
        };
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        let network: IpAddr = addr.parse().map_err(|_| err("bad address"))?;
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(width);
        if prefix > width {
            return Err(err("prefix longer than the address"));
        }
        Ok(Self::new(network, prefix))
    }
}

impl TryFrom<String> for IpRange {
    type Error = IpRangeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<IpRange> for String {
    fn from(value: IpRange) -> Self {
        value.to_string()
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// What the fetcher may reach.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardConfig {
    /// Ranges allowed even though they are not public (e.g. `127.0.0.1/32` in tests, or an
    /// intranet range for a deployment that follows internal feeds).
    #[serde(default)]
    pub allow: Vec<IpRange>,
    /// Names pinned to addresses, consulted before DNS (like `/etc/hosts`). Pinned addresses are
    /// checked like resolved ones.
    #[serde(default)]
    pub hosts: Vec<(String, Vec<IpAddr>)>,
}

/// Why the guard refused a URL or an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardRefusal {
    /// The scheme is not `http` or `https`.
    #[error("scheme `{0}` is not fetched (only http and https)")]
    Scheme(String),
    /// The URL carries no host.
    #[error("the URL has no host")]
    NoHost,
    /// The address is in a range that is not public and not allowed.
    #[error("address {addr} is {class} and not allowed")]
    Address {
        /// The refused address.
        addr: IpAddr,
        /// The class of the address, e.g. `loopback`.
        class: &'static str,
    },
    /// Every address a name resolved to was refused.
    #[error("host `{host}` resolves only to refused addresses ({first})")]
    Name {
        /// The name looked up.
        host: String,
        /// The first refusal, for the message.
        first: Box<GuardRefusal>,
    },
    /// The name resolved to no address at all.
    #[error("host `{0}` resolves to no address")]
    Unresolved(String),
}

impl GuardConfig {
    /// A config that allows the given ranges on top of the public internet.
    pub fn allowing(ranges: impl IntoIterator<Item = IpRange>) -> Self {
        Self {
            allow: ranges.into_iter().collect(),
            hosts: Vec::new(),
        }
    }

    /// Pins `name` to `addrs` (checked like any resolved address).
    pub fn with_host(mut self, name: &str, addrs: Vec<IpAddr>) -> Self {
        self.hosts.push((name.to_ascii_lowercase(), addrs));
        self
    }

    /// Checks one address: `Ok` when it is public or explicitly allowed.
    pub fn check_ip(&self, addr: IpAddr) -> Result<(), GuardRefusal> {
        if self.allow.iter().any(|range| range.contains(addr)) {
            return Ok(());
        }
        match non_public_class(addr) {
            Some(class) => Err(GuardRefusal::Address { addr, class }),
            None => Ok(()),
        }
    }

    /// Checks a URL before it is requested: scheme, and the host when it is an IP literal in any
    /// notation. Names are checked later, at connect time, by [`GuardedResolver`].
    pub fn check_url(&self, url: &Url) -> Result<(), GuardRefusal> {
        match url.scheme() {
            "http" | "https" => {}
            other => return Err(GuardRefusal::Scheme(other.to_string())),
        }
        match url.host() {
            None => Err(GuardRefusal::NoHost),
            Some(Host::Ipv4(v4)) => self.check_ip(IpAddr::V4(v4)),
            Some(Host::Ipv6(v6)) => self.check_ip(IpAddr::V6(v6)),
            Some(Host::Domain(name)) => match parse_ipv4_literal(name) {
                Some(v4) => self.check_ip(IpAddr::V4(v4)),
                None => Ok(()),
            },
        }
    }

    fn pinned(&self, name: &str) -> Option<&[IpAddr]> {
        let name = name.trim_end_matches('.');
        self.hosts
            .iter()
            .find(|(host, _)| host.eq_ignore_ascii_case(name))
            .map(|(_, addrs)| addrs.as_slice())
    }

    /// Keeps the allowed addresses of `host`, or says why none is.
    pub fn filter_addrs(
        &self,
        host: &str,
        addrs: impl IntoIterator<Item = SocketAddr>,
    ) -> Result<Vec<SocketAddr>, GuardRefusal> {
        let mut kept = Vec::new();
        let mut first_refusal = None;
        for addr in addrs {
            match self.check_ip(addr.ip()) {
                Ok(()) => kept.push(addr),
                Err(refusal) => {
                    first_refusal.get_or_insert(refusal);
                }
            }
        }
        match (kept.is_empty(), first_refusal) {
            (false, _) => Ok(kept),
            (true, Some(first)) => Err(GuardRefusal::Name {
                host: host.to_string(),
                first: Box::new(first),
            }),
            (true, None) => Err(GuardRefusal::Unresolved(host.to_string())),
        }
    }
}

/// Parses an IPv4 literal the way `inet_aton` does: one to four parts, each decimal, octal
/// (leading `0`) or hex (`0x`), the last part filling the remaining bytes; a trailing dot is
/// ignored. Returns `None` for anything that is not such a literal (i.e. a name).
pub fn parse_ipv4_literal(host: &str) -> Option<Ipv4Addr> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(parts.len());
    for part in &parts {
        numbers.push(parse_ipv4_part(part)?);
    }
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|n| *n > 255) {
        return None;
    }
    let last_bits = 8 * (4 - init.len() as u32);
    if last_bits < 64 && *last >= (1u64 << last_bits) {
        return None;
    }
    let mut value: u64 = 0;
    for (i, n) in init.iter().enumerate() {
        value |= n << (24 - 8 * i as u32);
    }
    value |= last;
    u32::try_from(value).ok().map(Ipv4Addr::from)
}

fn parse_ipv4_part(part: &str) -> Option<u64> {
    if part.is_empty() || part.len() > 32 {
        return None;
    }
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    if digits.is_empty() {
        // "0x" alone is zero in inet_aton and in the WHATWG URL parser.
        return (radix == 16).then_some(0);
    }
    u64::from_str_radix(digits, radix).ok()
}

/// The class of a non-public address, or `None` when it is globally routable.
pub fn non_public_class(addr: IpAddr) -> Option<&'static str> {
    match addr {
        IpAddr::V4(v4) => v4_class(v4),
        IpAddr::V6(v6) => v6_class(v6),
    }
}

const V4_RANGES: &[(u32, u8, &str)] = &[
    (0x0000_0000, 8, "unspecified (this network)"),
    (0x0A00_0000, 8, "private"),
    (0x6440_0000, 10, "shared address space (CGNAT)"),
    (0x7F00_0000, 8, "loopback"),
    (0xA9FE_0000, 16, "link-local"),
    (0xAC10_0000, 12, "private"),
    (0xC000_0000, 24, "IETF protocol assignment"),
    (0xC000_0200, 24, "documentation"),
    (0xC058_6300, 24, "6to4 relay anycast"),
    (0xC0A8_0000, 16, "private"),
    (0xC612_0000, 15, "benchmarking"),
    (0xC633_6400, 24, "documentation"),
    (0xCB00_7100, 24, "documentation"),
    (0xE000_0000, 4, "multicast"),
    (0xF000_0000, 4, "reserved"),
];

fn v4_class(v4: Ipv4Addr) -> Option<&'static str> {
    let bits = u32::from(v4);
    if bits == u32::MAX {
        return Some("broadcast");
    }
    V4_RANGES
        .iter()
        .find(|(net, prefix, _)| prefix_match((*net).into(), bits.into(), *prefix, 32))
        .map(|(_, _, class)| *class)
}

fn v6_class(v6: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(v6);
    let in_range = |net: u128, prefix: u8| prefix_match(net, bits, prefix, 128);
    let low_v4 = Ipv4Addr::from((bits & 0xFFFF_FFFF) as u32);
    if bits == 0 {
        return Some("unspecified");
    }
    if bits == 1 {
        return Some("loopback");
    }
    // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d: judged by the IPv4 inside.
    if in_range(0xFFFF_0000_0000, 96) || in_range(0, 96) {
        return v4_class(low_v4).or(if in_range(0, 96) {
            Some("IPv4-compatible (deprecated)")
        } else {
            None
        });
    }
    // NAT64 well-known prefix 64:ff9b::/96 embeds an IPv4 address.
    if in_range(0x0064_FF9B << 96, 96) {
        return v4_class(low_v4);
    }
    // 6to4 2002:a.b.c.d::/48 embeds an IPv4 address in bits 16..48.
    if in_range(0x2002 << 112, 16) {
        let embedded = Ipv4Addr::from(((bits >> 80) & 0xFFFF_FFFF) as u32);
        return v4_class(embedded);
    }
    const V6_RANGES: &[(u128, u8, &str)] = &[
        (0x0064_FF9B_0001 << 80, 48, "local-use NAT64"),
        (0x0100 << 112, 64, "discard-only"),
        (0x2001 << 112, 32, "Teredo"),
        (0x2001_0002 << 96, 48, "benchmarking"),
        (0x2001_0DB8 << 96, 32, "documentation"),
        (0x3FFF << 112, 20, "documentation"),
        (0xFC00 << 112, 7, "unique-local"),
        (0xFE80 << 112, 10, "link-local"),
        (0xFEC0 << 112, 10, "site-local (deprecated)"),
        (0xFF00 << 112, 8, "multicast"),
    ];
    V6_RANGES
        .iter()
        .find(|(net, prefix, _)| in_range(*net, *prefix))
        .map(|(_, _, class)| *class)
}

/// The fetcher's DNS resolver: pinned names first, then the system resolver, keeping only the
/// addresses the guard allows. An empty result is an error carrying the [`GuardRefusal`].
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    config: Arc<GuardConfig>,
}

impl GuardedResolver {
    /// A resolver enforcing `config`.
    pub fn new(config: Arc<GuardConfig>) -> Self {
        Self { config }
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let config = Arc::clone(&self.config);
        let host = name.as_str().to_string();
        Box::pin(async move {
            let candidates: Vec<SocketAddr> = match config.pinned(&host) {
                Some(addrs) => addrs.iter().map(|ip| SocketAddr::new(*ip, 0)).collect(),
                None => tokio::net::lookup_host((host.as_str(), 0)).await?.collect(),
            };
            let kept = config.filter_addrs(&host, candidates)?;
            let addrs: reqwest::dns::Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(config: &GuardConfig, url: &str) -> bool {
        let url = Url::parse(url).expect("test URL parses");
        config.check_url(&url).is_err()
    }

    #[test]
    fn loopback_literals_in_every_notation_are_refused() {
        let config = GuardConfig::default();
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0177.0.0.1/",
            "http://0x7f.1/",
            "http://0x7f000001/",
            "http://127.1/",
            "http://127.0.0.1./",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[::127.0.0.1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2002:7f00:1::]/",
            "http://0/",
            "http://[::]/",
        ] {
            assert!(refused(&config, url), "{url} should be refused");
        }
    }

    #[test]
    fn private_and_special_ranges_are_refused() {
        let config = GuardConfig::default();
        for url in [
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
            "http://192.0.2.10/",
            "http://198.18.0.1/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[ff02::1]/",
            "http://[2001:db8::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://[::ffff:192.168.0.1]/",
        ] {
            assert!(refused(&config, url), "{url} should be refused");
        }
    }

    #[test]
    fn public_addresses_and_names_pass() {
        let config = GuardConfig::default();
        for url in [
            "https://example.com/feed",
            "http://93.184.216.34/",
            "http://172.32.0.1/",
            "http://[2606:4700::1111]/",
            "http://[::ffff:8.8.8.8]/",
            "http://1.1.1.1./",
        ] {
            assert!(!refused(&config, url), "{url} should pass");
        }
    }

    #[test]
    fn non_http_schemes_are_refused() {
        let config = GuardConfig::default();
        for url in ["file:///etc/passwd", "ftp://example.com/", "gopher://x/"] {
            assert!(refused(&config, url), "{url} should be refused");
        }
    }

    #[test]
    fn allow_list_opens_exactly_its_range() {
        let config = GuardConfig::allowing(["127.0.0.1/32".parse().expect("range")]);
        assert!(!refused(&config, "http://127.0.0.1:8080/"));
        assert!(refused(&config, "http://127.0.0.2/"));
        assert!(refused(&config, "http://[::1]/"));
    }

    #[test]
    fn inet_aton_forms_parse() {
        assert_eq!(
            parse_ipv4_literal("127.1"),
            Some(Ipv4Addr::new(127, 0, 0, 1))
        );
        assert_eq!(
            parse_ipv4_literal("0300.0250.1.1"),
            Some(Ipv4Addr::new(192, 168, 1, 1))
        );
        assert_eq!(
            parse_ipv4_literal("3232235777"),
            Some(Ipv4Addr::new(192, 168, 1, 1))
        );
        assert_eq!(parse_ipv4_literal("example.com"), None);
        assert_eq!(parse_ipv4_literal("1.2.3.4.5"), None);
        assert_eq!(parse_ipv4_literal("256.1.1.1"), None);
        assert_eq!(parse_ipv4_literal("1.2.3.256"), None);
        assert_eq!(parse_ipv4_literal("99999999999999999999"), None);
    }

    #[test]
    fn filter_keeps_public_and_explains_refusal() {
        let config = GuardConfig::default();
        let public: SocketAddr = "93.184.216.34:0".parse().expect("addr");
        let local: SocketAddr = "127.0.0.1:0".parse().expect("addr");
        assert_eq!(
            config.filter_addrs("mixed.test", [local, public]),
            Ok(vec![public])
        );
        let err = config
            .filter_addrs("rebind.test", [local])
            .expect_err("only loopback");
        assert!(err.to_string().contains("loopback"), "{err}");
    }

    #[test]
    fn ranges_parse_and_print() {
        let range: IpRange = "10.0.0.0/8".parse().expect("range");
        assert!(range.contains("10.200.1.1".parse().expect("ip")));
        assert!(!range.contains("11.0.0.1".parse().expect("ip")));
        assert_eq!(range.to_string(), "10.0.0.0/8");
        assert!("10.0.0.0/33".parse::<IpRange>().is_err());
        assert!("nonsense".parse::<IpRange>().is_err());
        let v6: IpRange = "[::1]".parse().expect("range");
        assert!(v6.contains("::1".parse().expect("ip")));
    }
}
