//! The front-matter record codec, and the promises it makes:
//!
//! - a record that parses writes back byte for byte (`Record::to_text`), and that text parses
//!   to an equal record;
//! - a record whose known fields check out holds an article that, written as a new record
//!   (`Record::from_article`), parses and reads back as the same article and related list;
//! - that article applied back to its own record (`Record::apply_article`) still reads back
//!   the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline_model::Record;

fuzz_target!(|data: &[u8]| {
    let parsed = Record::parse_bytes(data, "fuzz");
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(parsed.is_err(), "bytes that are not UTF-8 parsed");
        return;
    };
    let Ok(record) = Record::parse_syntax(text, "fuzz") else {
        assert!(parsed.is_err(), "a record whose syntax fails parsed");
        return;
    };
    let written = record.to_text();
    assert_eq!(
        written, text,
        "an unchanged record is not written back byte for byte"
    );
    let reparsed = Record::parse_syntax(&written, "fuzz").expect("written record parses");
    assert_eq!(reparsed, record);

    if record.check().is_err() {
        assert!(parsed.is_err(), "a record failing its check parsed");
        return;
    }
    assert!(parsed.is_ok(), "a record passing its check did not parse");
    let article = record.to_article(None).expect("checked");
    let related = record.try_related().expect("checked");

    let rebuilt = Record::from_article(&article, &related, None)
        .unwrap_or_else(|e| panic!("article read from a record cannot be written: {e}"));
    let rebuilt_text = rebuilt.to_text();
    let reread = Record::parse(&rebuilt_text, "rebuilt")
        .unwrap_or_else(|e| panic!("written article does not parse: {e}\n{rebuilt_text}"));
    assert_eq!(reread.to_text(), rebuilt_text);
    assert_eq!(
        reread.to_article(None).expect("checked"),
        article,
        "article changed through from_article:\n{rebuilt_text}"
    );
    assert_eq!(reread.try_related().expect("checked"), related);

    let mut applied = record.clone();
    applied
        .apply_article(&article, &related, None)
        .unwrap_or_else(|e| panic!("article cannot be applied back to its record: {e}"));
    let applied_text = applied.to_text();
    let reread = Record::parse(&applied_text, "applied").unwrap_or_else(|e| {
        panic!("record with its article applied back does not parse: {e}\n{applied_text}")
    });
    assert_eq!(
        reread.to_article(None).expect("checked"),
        article,
        "article changed through apply_article:\n{applied_text}"
    );
});
