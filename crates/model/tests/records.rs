//! Record codec against real files: the seeds (read from ../shared/seeds at test time; missing
//! seeds skip locally and fail under CI, see `test-support/required.rs`) and our own records in
//! testdata/records.

use std::path::{Path, PathBuf};

use storyline_model::{Article, Keyring, Provenance, Record, article_id};

#[path = "../../../test-support/required.rs"]
mod required;

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first two seeds (front-matter records), or `None` when the seeds are absent and this is
/// not a CI run (see `required`).
fn seed_records() -> Option<Vec<(String, String)>> {
    let names = ["000_df95efcbddd7638d.txt", "001_e722a3e74ef0c0ec.txt"];
    let mut records = Vec::new();
    for name in names {
        records.push((name.to_string(), required::seed(name)?));
    }
    Some(records)
}

#[test]
fn seeds_write_back_byte_for_byte() {
    let Some(seeds) = seed_records() else { return };
    for (name, text) in seeds {
        let record = Record::parse(&text, &name).unwrap();
        assert_eq!(record.to_text(), text, "{name}");
    }
}

#[test]
fn seeds_regenerate_byte_for_byte_from_their_article_and_related() {
    let Some(seeds) = seed_records() else { return };
    for (name, text) in seeds {
        let record = Record::parse(&text, &name).unwrap();
        let article = record.to_article(None).unwrap();
        let related = record.related();
        let rebuilt = Record::from_article(&article, &related, None).unwrap();
        assert_eq!(rebuilt.to_text(), text, "{name}");
    }
}

#[test]
fn seeds_read_as_the_articles_they_describe() {
    let Some(seeds) = seed_records() else { return };
    let (_, text0) = &seeds[0];
    let a = Record::parse(text0, "000")
        .unwrap()
        .to_article(None)
        .unwrap();
    assert_eq!(a.category, "news");
    assert!(a.title.starts_with("Alibaba backs US$2.5 billion"));
    assert_eq!(a.quality, Some(37));
    assert_eq!(a.heat, 37);
    assert!(!a.published);
    assert_eq!(a.provider.domain, "businesstimes.com.sg");
    assert_eq!(a.topics, ["AI"]);
    assert_eq!(a.images.len(), 1);
    assert_eq!(a.images[0].width, Some(880));
    assert!(a.images[0].is_cached);
    assert_eq!(
        a.published_date_time.map(|d| d.to_rfc3339()),
        Some("2024-03-05T07:42:00+00:00".to_owned())
    );
    assert_eq!(a.id, article_id(a.web_url.as_deref().unwrap()));
    assert_eq!(a.body, "");
    assert!(a.secured_verbatim.as_deref().unwrap().contains(';'));

    let (_, text1) = &seeds[1];
    let r1 = Record::parse(text1, "001").unwrap();
    let b = r1.to_article(None).unwrap();
    assert_eq!(b.heat, -1);
    let related = r1.related();
    assert_eq!(related.len(), 2);
    assert_eq!(related[0].provider.name, "Business Times");
    assert_eq!(related[0].images.len(), 1);
    assert_eq!(related[1].provider.domain, "benzinga.com");
    assert_eq!(related[1].quality, Some(10));
    assert!(related[1].images.is_empty());
}

#[test]
fn seed_secured_values_stay_verbatim_under_a_foreign_keyring() {
    let keyring = Keyring::generate().unwrap();
    let Some(seeds) = seed_records() else { return };
    for (name, text) in seeds {
        let record = Record::parse(&text, &name).unwrap();
        let article = record.to_article(Some(&keyring)).unwrap();
        assert_eq!(article.provenance, Provenance::default());
        assert!(article.secured_verbatim.is_some());
        let rebuilt = Record::from_article(&article, &record.related(), Some(&keyring)).unwrap();
        assert_eq!(rebuilt.to_text(), text, "{name}");
    }
}

#[test]
fn own_records_write_back_byte_for_byte() {
    let dir = testdata("records");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = read(&path);
        let record =
            Record::parse(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(record.to_text(), text, "{}", path.display());
        seen += 1;
    }
    assert!(seen >= 4);
}

#[test]
fn own_record_reads_its_fields_and_related_coverage() {
    let text = read(&testdata("records/harbor-bridge.txt"));
    let record = Record::parse(&text, "harbor-bridge.txt").unwrap();
    let a = record.to_article(None).unwrap();
    assert_eq!(a.topics, ["Infrastructure", "Transport"]);
    assert!(a.published);
    assert!(a.body.starts_with("The port authority's vote"));
    assert!(a.body.ends_with("four years to build.\n"));
    let related = record.try_related().unwrap();
    assert_eq!(related.len(), 2);
    assert!(related[0].excerpt.contains("\"twin span\""));
    assert_eq!(related[1].kind, "video");
    assert_eq!(related[1].published_date_time, None);
    assert_eq!(related[1].quality, None);
    assert_eq!(related[1].images[0].height, Some(360));
}

#[test]
fn crlf_record_keeps_its_line_endings_and_body() {
    let text = read(&testdata("records/crlf.txt"));
    let record = Record::parse(&text, "crlf.txt").unwrap();
    let a = record.to_article(None).unwrap();
    assert_eq!(a.provider.name, "Island Gazette");
    assert_eq!(
        a.body,
        "Ferries will leave every ninety minutes from November.\r\n"
    );
    let mut again = record.clone();
    again.apply_article(&a, &[], None).unwrap();
    assert_eq!(again.to_text(), text);
}

#[test]
fn unchanged_article_applied_back_changes_nothing() {
    for name in ["harbor-bridge.txt", "unknown-fields.txt", "minimal.txt"] {
        let text = read(&testdata(&format!("records/{name}")));
        let mut record = Record::parse(&text, name).unwrap();
        let article = record.to_article(None).unwrap();
        let related = record.related();
        record.apply_article(&article, &related, None).unwrap();
        assert_eq!(record.to_text(), text, "{name}");
    }
}

#[test]
fn unknown_fields_survive_an_edit_in_place() {
    let text = read(&testdata("records/unknown-fields.txt"));
    let mut record = Record::parse(&text, "unknown-fields.txt").unwrap();
    let mut article = record.to_article(None).unwrap();
    article.heat = 55;
    article.topics.push("Tourism".into());
    article.quality = Some(70);
    record
        .apply_article(&article, &record.related(), None)
        .unwrap();

    // Expected: the original text with exactly these three edits.
    let expected = text
        .replace("heat: -1\n", "heat: 55\n")
        .replace("type: article\n", "type: article\nquality: 70\n")
        .replace("- Maritime\n", "- Maritime\n- Tourism\n");
    assert_ne!(expected, text);
    assert_eq!(record.to_text(), expected);
    let reread = Record::parse(&record.to_text(), "edited").unwrap();
    assert_eq!(reread.to_article(None).unwrap(), article);
}

#[test]
fn removed_and_added_known_fields_move_to_their_place() {
    let text = read(&testdata("records/harbor-bridge.txt"));
    let mut record = Record::parse(&text, "harbor-bridge.txt").unwrap();
    let mut article = record.to_article(None).unwrap();
    article.quality = None;
    article.images.clear();
    article.language = Some("en".into());
    record
        .apply_article(&article, &record.related(), None)
        .unwrap();
    let out = record.to_text();
    assert!(!out.contains("quality: 64"));
    assert!(!out.contains("bridge-render.jpg"));
    assert!(out.contains("published: true\nlanguage: en\n\nprovider:"));
    assert_eq!(
        Record::parse(&out, "x").unwrap().to_article(None).unwrap(),
        article
    );
}

#[test]
fn provenance_is_sealed_and_opened_and_not_resealed_when_unchanged() {
    let keyring = Keyring::generate().unwrap();
    let text = read(&testdata("records/minimal.txt"));
    let mut article = Record::parse(&text, "minimal.txt")
        .unwrap()
        .to_article(None)
        .unwrap();
    article.web_url = Some("https://island-gazette.example/note".into());
    article.id = storyline_model::record::convert::record_id(&article);
    article.provenance = Provenance {
        feed_url: Some("https://island-gazette.example/feed?token=abc".into()),
        ..Provenance::default()
    };
    let mut record = Record::from_article(&article, &[], Some(&keyring)).unwrap();
    let first = record.to_text();
    assert!(first.contains("secured: \""));
    assert!(!first.contains("token=abc"));
    let back = record.to_article(Some(&keyring)).unwrap();
    assert_eq!(back, article);
    record.apply_article(&back, &[], Some(&keyring)).unwrap();
    assert_eq!(record.to_text(), first);

    // Without the key, the value is carried verbatim.
    let blind = record.to_article(None).unwrap();
    assert_eq!(blind.provenance, Provenance::default());
    assert!(blind.secured_verbatim.is_some());

    // Without a keyring the provenance is never written in clear: a new record leaves it out,
    // an existing record keeps the sealed value it has.
    let public = Record::from_article(&article, &[], None).unwrap().to_text();
    assert!(!public.contains("secured") && !public.contains("token=abc"));
    let mut existing = record.clone();
    existing.apply_article(&back, &[], None).unwrap();
    assert_eq!(existing.to_text(), first);
}

#[test]
fn article_id_comes_from_the_url_else_the_text() {
    let with_url = Record::parse(&read(&testdata("records/harbor-bridge.txt")), "a").unwrap();
    let a = with_url.to_article(None).unwrap();
    assert_eq!(
        a.id,
        article_id("https://coastal-courier.example/2025/06/10/harbor-bridge-approved")
    );
    assert_eq!(with_url.id().unwrap(), a.id);
    let no_url = Record::parse(&read(&testdata("records/minimal.txt")), "b").unwrap();
    let b: Article = no_url.to_article(None).unwrap();
    assert_eq!(b.id, article_id("A very short note\n"));
    assert_eq!(b.category, "news");
    assert_eq!(b.kind, "article");
    assert_eq!(b.heat, -1);
}

#[test]
fn body_is_kept_verbatim_even_when_it_looks_like_front_matter() {
    let body = "First line.\n---\nnot: front matter\n  trailing spaces  \n";
    let text = format!("---\ntitle: \"Odd body\"\n---\n\n{body}");
    let record = Record::parse(&text, "odd").unwrap();
    assert_eq!(record.to_article(None).unwrap().body, body);
    assert_eq!(record.to_text(), text);
}
