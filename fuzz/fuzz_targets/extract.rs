//! HTML extraction: any page gives an extraction, and its confidence is in 0..1.

#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline_extract::{ExtractOptions, extract};

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let options = ExtractOptions {
        url: Some("https://news.test/2026/05/story.html".to_string()),
    };
    let extraction = extract(&html, &options);
    assert!(
        (0.0..=1.0).contains(&extraction.confidence),
        "confidence {} out of 0..1",
        extraction.confidence
    );
    if extraction.text.split_whitespace().next().is_none() {
        assert_eq!(extraction.confidence, 0.0, "no text, yet some confidence");
    }
});
