//! Plain-text cleaning (headline line, boilerplate lines, syndication footer).

#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline_extract::clean_plain_text;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = clean_plain_text(&text);
});
