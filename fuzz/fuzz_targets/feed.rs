//! A fetched feed body as the poller handles it: bytes decoded to text (byte-order mark,
//! declaration or detection), then `parse_source`, which tells RSS, RDF, CDF, Atom, JSON Feed,
//! sitemaps and HTML pages apart and parses each.
//!
//! Statistical charset detection (chardetng) runs on every body that is not UTF-8 and costs
//! more than the parsers; it is applied to one such input in eight (by length), the others
//! are read as lossy UTF-8, so the fuzzer spends its time on the parsers.

#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline_ingest::fetch::charset::decode;
use storyline_ingest::sources::parse_source;

fuzz_target!(|data: &[u8]| {
    let text = if std::str::from_utf8(data).is_ok() || data.len().is_multiple_of(8) {
        decode(data, None).text
    } else {
        String::from_utf8_lossy(data).into_owned()
    };
    let _ = parse_source(&text, Some("https://feed.test/news/feed.xml"));
});
