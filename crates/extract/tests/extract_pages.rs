//! End-to-end extraction on pages written for these tests (in `testdata/`).

use std::path::PathBuf;

use storyline_extract::{ExtractOptions, extract};

fn testdata(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn news_page_yields_story_text_without_furniture() {
    let options = ExtractOptions {
        url: Some("https://courier.example/news/2025/tram".to_string()),
    };
    let extraction = extract(&testdata("news_page.html"), &options);
    let text = &extraction.text;
    assert!(
        text.starts_with("The city council voted on Tuesday"),
        "{text}"
    );
    assert!(
        text.ends_with("would not challenge the decision in court."),
        "{text}"
    );
    assert_eq!(text.split("\n\n").count(), 4, "{text}");
    for furniture in [
        "Home",
        "cookies",
        "Share on",
        "Advertisement",
        "Bus fares",
        "Sign up",
        "Copyright",
        "Photo:",
        "By Lena",
    ] {
        assert!(
            !text.contains(furniture),
            "{furniture:?} leaked into {text}"
        );
    }
    assert_eq!(
        extraction.title.as_deref(),
        Some("Tram line approved after decade of debate")
    );
    assert_eq!(extraction.authors, vec!["Lena Marsh"]);
    assert_eq!(
        extraction.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-03-04T07:15:00+00:00")
    );
    assert_eq!(
        extraction.site_name.as_deref(),
        Some("The Riverside Courier")
    );
    assert_eq!(
        extraction.image.as_deref(),
        Some("https://courier.example/media/tram.jpg")
    );
    assert_eq!(
        extraction.canonical_url.as_deref(),
        Some("https://courier.example/news/tram-line-approved")
    );
    assert_eq!(extraction.language.as_deref(), Some("en"));
    assert!(extraction.html.starts_with("<p>The city council"));
    assert!(!extraction.html.contains("<script"));
    assert!(extraction.confidence > 0.5, "{}", extraction.confidence);
}

#[test]
fn page_without_article_says_so() {
    let extraction = extract(
        "<html><body><nav><a href='/'>Home</a><a href='/x'>Other</a></nav></body></html>",
        &ExtractOptions::default(),
    );
    assert!(extraction.text.is_empty(), "{}", extraction.text);
    assert_eq!(extraction.confidence, 0.0);
}

#[test]
fn hostile_inputs_do_not_panic() {
    let options = ExtractOptions::default();
    let mut deep = String::new();
    for _ in 0..100_000 {
        deep.push_str("<div>");
    }
    deep.push_str("<p>At the bottom of a very deep page there is one sentence, with a comma.</p>");
    let extraction = extract(&deep, &options);
    assert!(extraction.text.contains("very deep page"));

    // Every byte value as a character: whatever is kept is no longer than the page, the HTML
    // carries no script, and the confidence stays a share.
    let binary: String = (0u8..=255).cycle().take(200_000).map(char::from).collect();
    let extraction = extract(&binary, &options);
    assert!(
        extraction.text.len() <= binary.len(),
        "{}",
        extraction.text.len()
    );
    assert!(!extraction.html.contains("<script"));
    assert!((0.0..=1.0).contains(&extraction.confidence));

    // Broken UTF-8, replaced: the replacement characters stay text; it is not an article.
    let lossy = String::from_utf8_lossy(&[0xff, 0xfe, b'<', b'p', b'>', 0xc3, 0x28]).into_owned();
    let extraction = extract(&lossy, &options);
    assert_eq!(
        extraction.text.replace("\n\n", ""),
        "\u{fffd}\u{fffd}\u{fffd}("
    );
    assert!(extraction.confidence < 0.5, "{}", extraction.confidence);

    // Nothing to read, or only broken structured data: empty, with confidence 0.
    for page in ["", "<script type='application/ld+json'>[[[[[[[[[[</script>"] {
        let extraction = extract(page, &options);
        assert!(
            extraction.text.is_empty() && extraction.html.is_empty(),
            "{page:?}"
        );
        assert_eq!(extraction.confidence, 0.0, "{page:?}");
        assert_eq!(extraction.title, None, "{page:?}");
        assert!(
            extraction.authors.is_empty() && extraction.published.is_none(),
            "{page:?}"
        );
    }
}

#[test]
fn content_held_in_noscript_is_read_only_when_it_is_the_page() {
    let post = "<div class=post><p>I updated the router firmware last night, and since then the connection drops every hour, even with the old settings restored.</p></div>";
    let shell = format!(
        "<html><body><div id=app></div><noscript><div id=main-outlet>{}</div></noscript></body></html>",
        post.repeat(3)
    );
    let extraction = extract(&shell, &ExtractOptions::default());
    assert!(
        extraction.text.contains("connection drops every hour"),
        "{}",
        extraction.text
    );

    let article = "<p>The bridge reopened on Monday after two years of repairs, and traffic, the council said, was back to normal by noon.</p>";
    let page = format!(
        "<html><body><article>{}</article><noscript><p>Please enable JavaScript to see the comments, the polls and the rest of this very interactive page.</p></noscript></body></html>",
        article.repeat(3)
    );
    let extraction = extract(&page, &ExtractOptions::default());
    assert!(extraction.text.contains("bridge reopened"));
    assert!(
        !extraction.text.contains("enable JavaScript"),
        "{}",
        extraction.text
    );
}

#[test]
fn teaser_cards_after_an_article_do_not_widen_it_to_the_page() {
    let story = "<p>The harbour authority confirmed on Friday that the north pier, closed since the storm in March, will reopen to ferries next week, once divers have finished checking the piles.</p>";
    let card = "<article class=item><a href=/other><h4>Another story from the same outlet</h4><p>A standfirst that summarises another page at some length, with a clause, another clause, and a date.</p><span>2H ago</span></a></article>";
    let page = format!(
        "<html><head><meta property=og:type content=article></head><body><main><article>{}</article><section><h3>More news</h3>{}</section></main></body></html>",
        story.repeat(3),
        card.repeat(20)
    );
    let extraction = extract(&page, &ExtractOptions::default());
    assert!(
        extraction.text.contains("north pier"),
        "{}",
        extraction.text
    );
    assert!(
        !extraction.text.contains("standfirst"),
        "{}",
        extraction.text
    );
}

#[test]
fn a_declared_article_body_is_the_content() {
    let page = "<html><body><div class=wrap>\
        <div itemprop=articleBody><p>The museum will reopen its east wing in May, after a renovation that took three years and cost twice the first estimate.</p>\
        <p>Curators said the collection of maps, unseen since 2019, would return to its old rooms, with new lighting and cases.</p></div>\
        <div class=bottom-text><p>Our customer service centre can be reached by telephone on weekdays between nine and five, and by e-mail at any time of the day or night.</p></div>\
        </div></body></html>";
    let extraction = extract(page, &ExtractOptions::default());
    assert!(extraction.text.contains("east wing"), "{}", extraction.text);
    assert!(
        extraction.text.contains("collection of maps"),
        "{}",
        extraction.text
    );
    assert!(
        !extraction.text.contains("customer service"),
        "{}",
        extraction.text
    );
}

#[test]
fn a_story_cut_into_chunks_is_read_whole() {
    let first = "<p>The first chunk opens the story: the council met on Monday, argued for four hours, and then voted to close the old bridge.</p>";
    let second = "<p>The second chunk carries on: engineers had warned for years that the bridge, built in 1911, could not bear the weight of modern lorries.</p>";
    let page = format!(
        "<html><body><div class=chunks>\
         <div class=chunk><div class=chunk-body>{}</div><div class=rail>Ad</div></div>\
         <div class=wide-ad>Advertisement</div>\
         <div class=chunk><div class=chunk-body>{}</div><div class=rail>Ad</div></div>\
         </div></body></html>",
        first,
        second.repeat(4)
    );
    let extraction = extract(&page, &ExtractOptions::default());
    assert!(
        extraction.text.contains("first chunk"),
        "{}",
        extraction.text
    );
    assert!(
        extraction.text.contains("second chunk"),
        "{}",
        extraction.text
    );
    assert!(extraction.text.find("first chunk") < extraction.text.find("second chunk"));

    // The chunk wrapper may sit a few levels above the body, with figures between chunks.
    let page = format!(
        "<html><body><main>\
         <div class=block><section class=outer><div class=narrow><div class=prose>{}</div></div></section></div>\
         <figure><img src=a.jpg><figcaption>A caption</figcaption></figure>\
         <div class=block><section class=outer><div class=narrow><div class=prose>{}</div></div></section></div>\
         </main></body></html>",
        first,
        second.repeat(4)
    );
    let extraction = extract(&page, &ExtractOptions::default());
    assert!(
        extraction.text.contains("first chunk"),
        "{}",
        extraction.text
    );
    assert!(
        extraction.text.contains("second chunk"),
        "{}",
        extraction.text
    );
}

#[test]
fn the_page_printing_its_own_address_is_not_story_text() {
    let page = "<html><head><link rel=canonical href=\"https://courier.example/news/harbour-14848175.php\"></head><body><article>\
        <div class=print-header><span>https://courier.example/news/harbour-14848175.php</span></div>\
        <p>The harbour authority confirmed on Friday that the north pier will reopen to ferries next week, once divers have checked the piles.</p>\
        <p>The pier, closed since the storm in March, carried two thirds of the island's passenger traffic before it was damaged.</p>\
        <p>See https://courier.example/news/harbour-14848175.php for the timetable.</p>\
        </article></body></html>";
    let extraction = extract(page, &ExtractOptions::default());
    assert!(
        extraction.text.starts_with("The harbour authority"),
        "{}",
        extraction.text
    );
    assert!(
        extraction.text.contains("for the timetable"),
        "{}",
        extraction.text
    );
}

#[test]
fn section_and_declared_kind_of_piece_are_read() {
    let page = r#"<html><head><title>Keep the tram | Courier</title>
        <meta property="article:section" content="Opinion">
        <script type="application/ld+json">{"@type":"OpinionNewsArticle","headline":"Keep the tram"}</script>
        </head><body><article><h1>Keep the tram</h1>
        <p>The council should not cut the tram line, and here is why the numbers say so.</p>
        <p>Ridership grew every year for a decade, and the line pays for most of its costs.</p>
        </article></body></html>"#;
    let extraction = extract(page, &ExtractOptions::default());
    assert_eq!(extraction.section.as_deref(), Some("Opinion"));
    assert_eq!(extraction.genre.as_deref(), Some("opinion"));
    let plain = extract(&testdata("news_page.html"), &ExtractOptions::default());
    assert_eq!(plain.genre, None);
}
