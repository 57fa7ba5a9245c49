//! Runs of similar sibling blocks: the items of a listing, a product grid, a forum thread.
//!
//! Paragraph scoring finds an article's body, one container of long link-poor blocks. Listings,
//! collections, shops and threads instead carry their content as many siblings built from the
//! same template (same tag, same `class`), each short and often mostly a link. [`find`] looks
//! for the largest such run on the page in one pass over the children of every element, so the
//! chooser can take the run when it holds more of the page's text than the scored container.

use dom_query::local_name;

use crate::dom::Page;

/// Fewest siblings that make a run.
const MIN_ITEMS: u32 = 4;
/// Fewest visible characters per item on average (a menu of one-word links is not a listing).
const MIN_ITEM_CHARS: u32 = 20;
/// Share of the parent's text the run must hold for the parent to stand for it.
const MIN_PARENT_SHARE: f32 = 0.6;

/// The largest run found: its parent, its first item (the template of the others), and the
/// visible characters of its items.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    pub parent: usize,
    pub first: usize,
    pub chars: u32,
}

impl Run {
    /// Whether `index` is one of the run's items or inside one. A run of paragraphs is prose,
    /// not a listing: a paragraph that is only a link stays a link there.
    pub fn holds_item(&self, page: &Page, index: usize) -> bool {
        if page.is(self.first, &local_name!("p")) {
            return false;
        }
        let mut node = index;
        while let Some(parent) = page.nodes[node].parent {
            if parent == self.parent {
                return same_template(page, self.first, node);
            }
            if parent < self.parent {
                return false;
            }
            node = parent;
        }
        false
    }
}

/// The element whose children form the page's largest run of same-template items, if any.
/// `pruned` and `chars` are the chooser's per-node flags and visible characters.
pub(crate) fn find(page: &Page, pruned: &[bool], chars: &[u32]) -> Option<Run> {
    let mut best: Option<Run> = None;
    for parent in 0..page.nodes.len() {
        if pruned[parent] || chars[parent] == 0 || page.tag(parent).is_none() {
            continue;
        }
        let Some((first, items, run_chars)) = largest_group(page, parent, pruned, chars) else {
            continue;
        };
        if items < MIN_ITEMS
            || run_chars < MIN_ITEM_CHARS * items
            || (run_chars as f32) < MIN_PARENT_SHARE * chars[parent] as f32
        {
            continue;
        }
        if best.is_none_or(|run| run_chars > run.chars) {
            best = Some(Run {
                parent,
                first,
                chars: run_chars,
            });
        }
    }
    best
}

/// The group of element children sharing tag and `class` that holds the most text: (first
/// item, items, characters). Items need not be adjacent (listings interleave ads, spacers and sub-rows).
/// Only the first few templates of a parent are tracked, which bounds the work per child.
fn largest_group(
    page: &Page,
    parent: usize,
    pruned: &[bool],
    chars: &[u32],
) -> Option<(usize, u32, u32)> {
    const TRACKED: usize = 8;
    let mut groups: [(usize, u32, u32); TRACKED] = [(0, 0, 0); TRACKED];
    let mut used = 0;
    for child in page.children(parent) {
        if pruned[child] || chars[child] == 0 || page.tag(child).is_none() {
            continue;
        }
        if let Some(group) = groups[..used]
            .iter_mut()
            .find(|(first, _, _)| same_template(page, *first, child))
        {
            group.1 += 1;
            group.2 = group.2.saturating_add(chars[child]);
        } else if used < TRACKED {
            groups[used] = (child, 1, chars[child]);
            used += 1;
        }
    }
    groups[..used]
        .iter()
        .filter(|(_, items, _)| *items >= 2)
        .max_by_key(|(_, _, total)| *total)
        .copied()
}

fn same_template(page: &Page, a: usize, b: usize) -> bool {
    page.tag(a) == page.tag(b) && page.attr(a, "class") == page.attr(b, "class")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::text_of;

    fn listing(items: usize) -> String {
        let item = |n: usize| {
            format!(
                "<div class=product><h3><a href=/p/{n}>Cast iron skillet with two pour spouts, {n} inches</a></h3><span class=price>${n}.99</span></div>"
            )
        };
        let grid: String = (1..=items).map(item).collect();
        format!(
            "<html><body><nav><a href=/>Home</a></nav><main><h1>Skillets</h1><div class=grid>{grid}</div></main></body></html>"
        )
    }

    #[test]
    fn a_grid_of_same_template_items_is_found() {
        let page = Page::parse(&listing(6));
        let pruned = vec![false; page.nodes.len()];
        let chars: Vec<u32> = (0..page.nodes.len())
            .map(|index| {
                page.text_of(index)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .count() as u32
            })
            .collect();
        let run = find(&page, &pruned, &chars).expect("a run");
        assert_eq!(page.attr(run.parent, "class"), Some("grid"));
        assert_eq!(page.attr(run.first, "class"), Some("product"));
    }

    #[test]
    fn too_few_items_are_not_a_listing() {
        let page = Page::parse(&listing(3));
        let pruned = vec![false; page.nodes.len()];
        let chars: Vec<u32> = (0..page.nodes.len())
            .map(|index| page.text_of(index).len() as u32)
            .collect();
        assert!(find(&page, &pruned, &chars).is_none());
    }

    #[test]
    fn a_listing_of_links_is_extracted_as_its_items() {
        let text = text_of(&listing(8));
        assert!(
            text.contains("Cast iron skillet with two pour spouts, 1 inches"),
            "{text}"
        );
        assert!(
            text.contains("Cast iron skillet with two pour spouts, 8 inches"),
            "{text}"
        );
        assert!(text.contains("$8.99"), "{text}");
        assert!(!text.contains("Home"), "{text}");
    }
}
