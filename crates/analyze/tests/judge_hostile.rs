//! Hostile input for every judge: thousands of generated strings mixing punctuation that the
//! splitters and parsers react to ("$", ".", "-based", "’s", digits, capitals), odd Unicode
//! (combining marks, RTL, zero-width, wide spaces, NUL) and random lengths. Nothing may panic and
//! every output must stay within its documented bounds.

use storyline_analyze::judge::{self, EntityKind, Taxonomy};

/// Pieces that exercise the special cases of the judges.
const PIECES: &[&str] = &[
    "Alibaba",
    "Group",
    "Holding",
    "Ltd.",
    "Inc.",
    "U.S.",
    "US$",
    "$",
    "€",
    "HK$",
    "USD ",
    "600",
    "2.5",
    "1,200,000",
    "million",
    "bn",
    "M",
    " ",
    "  ",
    "\n",
    "\n\n",
    ".",
    ". ",
    "? ",
    "! ",
    "…",
    "\"",
    "“",
    "”",
    "’s",
    "'s",
    "-based",
    "-",
    "of",
    "the",
    "The",
    "said",
    "CEO",
    "Mr.",
    "J.",
    "ai",
    "AI",
    "startup*",
    "é",
    "\u{301}",
    "\u{200b}",
    "\u{202e}",
    "\u{3000}",
    "\u{a0}",
    "\0",
    "日本語",
    "🤖",
    "ǅ",
    "İ",
    "ß",
    "ﬃ",
    "\u{fffd}",
    "dollars",
    "euros",
    "Bank",
    "City",
    "town",
];

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn text(&mut self, max_pieces: usize) -> String {
        let count = (self.next() % max_pieces as u64) as usize;
        (0..count)
            .map(|_| PIECES[(self.next() % PIECES.len() as u64) as usize])
            .collect()
    }
}

#[test]
fn generated_hostile_text_never_breaks_a_judge() {
    let taxonomy = Taxonomy::builtin();
    let mut dice = Dice(0x5eed_1234_abcd_0001);
    for round in 0..3_000 {
        let title = dice.text(12);
        let body = dice.text(if round % 100 == 0 { 5_000 } else { 80 });

        let topics = taxonomy.classify(&title, &body);
        assert!(topics.len() <= taxonomy.scoring().max_topics);

        for max in [0, 1, 2, 5, 40, 300] {
            let lead = judge::excerpt(&body, max);
            assert!(lead.chars().count() <= max, "{max}: {lead:?}");
        }

        let sentences = judge::sentences(&body);
        assert!(sentences.iter().all(|s| !s.is_empty() && s.trim() == *s));
        let picked = judge::summary(&sentences, 3);
        assert!(picked.len() <= 3);

        for entity in judge::entities(&title, &body) {
            assert!(entity.count >= 1 && !entity.name.is_empty(), "{entity:?}");
            if entity.kind == EntityKind::Money {
                assert!(
                    entity.name.chars().any(|c| c.is_ascii_digit()),
                    "{entity:?}"
                );
            }
        }

        let quality = judge::quality(&judge::QualityInput {
            title: &title,
            body_words: body.split_whitespace().count(),
            has_image: round % 2 == 0,
            has_author: round % 3 == 0,
            has_date: round % 5 == 0,
            is_syndicated_copy: round % 7 == 0,
            is_original_reporting_hint: judge::original_reporting_hint(&title, &body),
            boilerplate_ratio: (round % 11) as f32 / 10.0,
            provider_weight: None,
        });
        assert!(quality <= 100);
    }
}
