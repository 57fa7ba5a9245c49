//! Metadata on pages written for these tests (in the repository's `testdata/extraction/`), one
//! page per kind of mistake seen on real pages: a masthead `<h1>` taken for the headline, the
//! outlet or a placeholder given as the author, times without a zone labelled UTC, a page's
//! own calendar day lost to UTC, site suffixes in other scripts, cut headlines.

use std::path::PathBuf;

use storyline_extract::{ExtractOptions, Extraction, extract};

fn page(name: &str) -> Extraction {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/extraction")
        .join(name);
    let html = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    extract(&html, &ExtractOptions::default())
}

fn utc(extraction: &Extraction) -> Option<String> {
    extraction
        .published
        .map(|date| date.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[test]
fn a_masthead_heading_is_not_the_headline_and_line_breaks_separate_words() {
    let extraction = page("metadata-masthead-heading.html");
    assert_eq!(
        extraction.title.as_deref(),
        Some("Low tide reveals the old pier")
    );
    assert_eq!(extraction.authors, ["Ines Okafor"]);
    assert!(
        extraction.text.starts_with("An unusually low spring tide"),
        "{}",
        extraction.text
    );
}

#[test]
fn the_outlet_an_address_and_placeholders_are_not_authors() {
    let extraction = page("metadata-author-outlet.html");
    assert_eq!(extraction.authors, ["Tomasz Rehn"]);
    assert_eq!(extraction.site_name.as_deref(), Some("Harbour Ledger"));
}

#[test]
fn a_time_without_a_zone_takes_the_zone_of_the_pages_other_dates() {
    let extraction = page("metadata-time-zones.html");
    // 18:11:01 at +02:00, the offset the page's modification date carries.
    assert_eq!(utc(&extraction).as_deref(), Some("2023-04-28T16:11:01Z"));
    assert_eq!(extraction.published_offset, Some(7200));
    assert!(!extraction.published_zone_unknown);
    assert_eq!(
        extraction
            .published_day()
            .map(|day| day.to_string())
            .as_deref(),
        Some("2023-04-28")
    );
}

#[test]
fn a_time_whose_zone_is_nowhere_on_the_page_is_kept_as_local_time() {
    let extraction = page("metadata-local-time-only.html");
    assert!(extraction.published_zone_unknown);
    assert_eq!(extraction.published_offset, None);
    // The wall-clock time, held as it was written; its day is the page's day.
    assert_eq!(utc(&extraction).as_deref(), Some("2023-04-28T23:40:00Z"));
    assert_eq!(
        extraction
            .published_day()
            .map(|day| day.to_string())
            .as_deref(),
        Some("2023-04-28")
    );
}

#[test]
fn the_page_keeps_its_own_calendar_day() {
    let extraction = page("metadata-offset-day.html");
    // The instant is the previous day in UTC; the page's day is the 19th.
    assert_eq!(utc(&extraction).as_deref(), Some("2025-12-18T19:30:00Z"));
    assert_eq!(extraction.published_offset, Some(19_800));
    assert_eq!(
        extraction
            .published_day()
            .map(|day| day.to_string())
            .as_deref(),
        Some("2025-12-19")
    );
}

#[test]
fn site_suffixes_in_other_scripts_are_removed() {
    let extraction = page("metadata-title-scripts.html");
    assert_eq!(
        extraction.title.as_deref(),
        Some("항구 재개장 발표 기자회견")
    );
}

#[test]
fn a_headline_cut_short_gives_way_to_the_whole_one() {
    let extraction = page("metadata-title-cut.html");
    assert_eq!(
        extraction.title.as_deref(),
        Some(
            "Council approves new ferry timetable for the islands (with two extra evening \
             crossings)"
        )
    );
    let colon = page("metadata-title-colon.html");
    assert_eq!(
        colon.title.as_deref(),
        Some("Tide tables: what the new charts change for small boats")
    );
    // The day shown beside the desk's name, the page's only date.
    assert_eq!(
        colon.published_day().map(|day| day.to_string()).as_deref(),
        Some("2025-06-03")
    );
}
