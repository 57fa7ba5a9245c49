//! A fetched feed body as the poller handles it: bytes decoded to text (byte-order mark,
//! declaration or detection), then `parse_source`, which tells RSS, RDF, CDF, Atom, JSON Feed,
//! sitemaps and HTML pages apart and parses each.

#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline_ingest::fetch::charset::decode;
use storyline_ingest::sources::parse_source;

fuzz_target!(|data: &[u8]| {
    let text = decode(data, None).text;
    let _ = parse_source(&text, Some("https://feed.test/news/feed.xml"));
});
