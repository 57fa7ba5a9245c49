//! Classes of main-text failures, each on a page written for these tests (fictional outlets,
//! in `testdata/extraction/` at the repository root): what the text must hold, what it must
//! not, and how sure the extractor may say it is.

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

fn assert_holds(text: &str, wanted: &[&str], unwanted: &[&str]) {
    for phrase in wanted {
        assert!(text.contains(phrase), "missing {phrase:?} in:\n{text}");
    }
    for phrase in unwanted {
        assert!(!text.contains(phrase), "{phrase:?} leaked into:\n{text}");
    }
}

#[test]
fn comments_under_a_heading_of_responses_are_not_the_post() {
    let extraction = page("comments-responses.html");
    assert_holds(
        &extraction.text,
        &[
            "Three winters ago the committee agreed",
            "the paths between the beds stayed firm",
        ],
        &[
            "156 Responses",
            "Comments are moderated",
            "Marigold Pike",
            "chalky plot in Sussex",
            "weighed the potatoes",
            "Leave a Reply",
            "Your email address",
            "Reply",
        ],
    );
}

#[test]
fn a_gallerys_captions_beside_the_story_are_not_the_story() {
    let extraction = page("gallery-beside-article.html");
    assert_holds(
        &extraction.text,
        &[
            "Dredging of the silted inner harbour will begin next month",
            "would stay open throughout the work",
        ],
        &["Boats rest on the mudflats", "A kayaker paddles", "1 / 18"],
    );
}

#[test]
fn a_trending_list_beside_a_short_story_is_left_out() {
    let extraction = page("trending-sidebar.html");
    assert_holds(
        &extraction.text,
        &[
            "The towpath between the lock and the old wharf reopened",
            "better than the old timber boards did",
        ],
        &[
            "Most read this week",
            "Bakery on Mill Street",
            "four-day week",
            "hours ago",
        ],
    );
}

#[test]
fn a_papers_abstract_is_chosen_over_its_references() {
    let extraction = page("reference-list.html");
    assert_holds(
        &extraction.text,
        &[
            "Restoring tidal flow to embanked grazing land",
            "simple channel works may matter",
        ],
        &[
            "Estuarine, Coastal and Shelf Science",
            "doi:10.1000",
            "pp. 100",
        ],
    );
}

#[test]
fn a_reference_list_alone_is_not_reported_as_a_sure_article() {
    // The same references with no abstract beside them: whatever is chosen, the confidence
    // says it is not an article.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/extraction/reference-list.html");
    let html = std::fs::read_to_string(&path).unwrap_or_default();
    let start = html.find("<div class=\"abs\">").unwrap_or(0);
    let end = html.find("<div class=\"kw\">").unwrap_or(start);
    assert!(end > start, "the page has its abstract block");
    let stripped = format!("{}{}", &html[..start], &html[end..]);
    let extraction = extract(&stripped, &ExtractOptions::default());
    assert!(
        extraction.confidence < 0.5,
        "{} for:\n{}",
        extraction.confidence,
        extraction.text
    );
}

#[test]
fn a_story_held_as_markup_in_a_script_is_the_article_when_the_page_shows_none() {
    let extraction = page("body-in-script-json.html");
    assert_holds(
        &extraction.text,
        &[
            "The county's only covered market will close for eight months",
            "free parking on Saturdays until the market reopens.",
        ],
        &[
            "Obituaries",
            "Sign in",
            "Subscribe",
            "\\u003c",
            "<p>",
            "Registered as a newspaper",
        ],
    );
    // One paragraph a block, as the page's script would show them.
    assert!(
        extraction.text.split("\n\n").count() >= 6,
        "{}",
        extraction.text
    );
    assert!(extraction.confidence >= 0.5, "{}", extraction.confidence);
}

#[test]
fn a_pages_navigation_is_not_reported_as_a_sure_article() {
    // The same page without the script: only navigation and a footer remain.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/extraction/body-in-script-json.html");
    let html = std::fs::read_to_string(&path).unwrap_or_default();
    let cut = html.find("<script>window").unwrap_or(html.len());
    let extraction = extract(&html[..cut], &ExtractOptions::default());
    assert!(!extraction.text.contains("covered market"));
    assert!(extraction.confidence < 0.3, "{}", extraction.confidence);
}

#[test]
fn a_declared_body_in_markup_reads_as_clean_paragraphs() {
    let extraction = page("jsonld-body-entities.html");
    assert_holds(
        &extraction.text,
        &[
            "after the charity approved plans",
            "on the first two Saturdays of next month",
            "until the building is finished.",
        ],
        &[
            "&nbsp;",
            "&amp;",
            "<p>",
            "</p>",
            "slipway.Crews",
            "Station facts",
            "Advertisement",
        ],
    );
    assert_eq!(
        extraction.authors,
        vec!["Rhian Polwarth".to_string()],
        "{:?}",
        extraction.authors
    );
}
