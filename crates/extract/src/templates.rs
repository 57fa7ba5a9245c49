//! Site templates: boilerplate learned across one site's pages.
//!
//! An aggregator sees many pages of each site. Blocks of text that recur on several of them
//! (the newsletter pitch, the "About us" footer, the standard disclaimer, the related-links
//! headings) are the site's template, not its stories. [`SiteTemplates::learn`] records, for
//! each page, the set of its text blocks (as hashes of their normalised text);
//! [`SiteTemplates::is_boilerplate`] says whether a block recurs on at least two pages and at
//! least [`RECURRENCE_SHARE`] of the pages seen. Memory is bounded: at most
//! [`MAX_BLOCKS`] distinct blocks are tracked per site.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::content;
use crate::dom::Page;
use crate::nesting::guard;
use crate::render;

/// Share of a site's pages a block must appear on to count as template.
pub const RECURRENCE_SHARE: f32 = 0.5;
/// Most distinct blocks tracked for one site.
pub const MAX_BLOCKS: usize = 200_000;

/// Text blocks that recur across one site's pages.
#[derive(Debug, Clone, Default)]
pub struct SiteTemplates {
    pages: u32,
    counts: HashMap<u64, u32>,
}

impl SiteTemplates {
    /// Learns the blocks of one page of the site.
    pub fn learn(&mut self, html: &str) {
        let page = Page::parse(&guard(html));
        self.learn_page(&page);
    }

    pub(crate) fn learn_page(&mut self, page: &Page) {
        let selection = content::whole_page(page);
        let blocks = render::text_blocks(page, &selection);
        let distinct: HashSet<u64> = blocks.iter().map(|block| block_hash(&block.text)).collect();
        for hash in distinct {
            if let Some(count) = self.counts.get_mut(&hash) {
                *count += 1;
            } else if self.counts.len() < MAX_BLOCKS {
                self.counts.insert(hash, 1);
            }
        }
        self.pages += 1;
    }

    /// Pages learned so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// Whether a block of text is part of the site's template.
    pub fn is_boilerplate(&self, text: &str) -> bool {
        if self.pages < 2 {
            return false;
        }
        let needed = (self.pages as f32 * RECURRENCE_SHARE).ceil().max(2.0) as u32;
        self.counts
            .get(&block_hash(text))
            .is_some_and(|&count| count >= needed)
    }
}

/// Hash of a block's normalised text (lower case, whitespace collapsed).
fn block_hash(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    for word in text.split_whitespace() {
        for c in word.chars().flat_map(char::to_lowercase) {
            c.hash(&mut hasher);
        }
        ' '.hash(&mut hasher);
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(story: &str) -> String {
        format!(
            "<html><body><div class=x><p>{story}</p><p>Our journalism is funded by readers like you and we thank you.</p></div></body></html>"
        )
    }

    #[test]
    fn blocks_on_most_pages_are_template() {
        let mut templates = SiteTemplates::default();
        assert!(
            !templates
                .is_boilerplate("Our journalism is funded by readers like you and we thank you.")
        );
        templates.learn(&page("The river rose by two metres overnight."));
        templates.learn(&page("Schools reopen on Monday after the holiday."));
        templates.learn(&page("A new bakery opened in the old post office."));
        assert_eq!(templates.pages(), 3);
        assert!(
            templates
                .is_boilerplate("Our journalism is  funded by readers like you and we thank you.")
        );
        assert!(!templates.is_boilerplate("The river rose by two metres overnight."));
    }
}
