//! The page as a compact, read-only tree that the extractor walks.
//!
//! HTML is parsed by `dom_query` (html5ever, the browsers' parsing algorithm) and then copied
//! once, in document order, into a flat arena of [`Node`]s addressed by `usize` indices. The
//! copy keeps what extraction needs (tag name, attributes, text, parent and sibling links) and
//! lets every later pass run without reference counting or borrow checks at run time.
//!
//! Every traversal here is iterative: a page nesting 100,000 tags deep costs memory, never
//! stack. Nodes are stored in pre-order, so a subtree is an index range
//! (`a ..= a.last_descendant`) and skipping it is a jump.

use dom_query::{Document, LocalName, NodeData, NodeId, local_name};

/// One node of the page.
#[derive(Debug)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub parent: Option<usize>,
    pub first_child: Option<usize>,
    pub next_sibling: Option<usize>,
    /// Index of the last node of this node's subtree (itself when it has no children).
    pub last_descendant: usize,
}

/// What a node holds.
#[derive(Debug)]
pub(crate) enum NodeKind {
    /// The document root.
    Document,
    /// An element with its lower-case local name and attributes.
    Element {
        tag: LocalName,
        attrs: Vec<(LocalName, Box<str>)>,
    },
    /// Character data.
    Text(Box<str>),
    /// Comments, doctypes and processing instructions: kept only as placeholders.
    Other,
}

/// A parsed page.
#[derive(Debug)]
pub(crate) struct Page {
    pub nodes: Vec<Node>,
}

impl Page {
    /// Parses `html` (any input: the parser never fails) into a page.
    pub fn parse(html: &str) -> Page {
        let document = Document::from(html);
        Page::from_document(&document)
    }

    fn from_document(document: &Document) -> Page {
        let tree = &document.tree;
        let root = tree.root().id;
        let mut nodes: Vec<Node> = Vec::with_capacity(tree.len());
        let mut last_child: Vec<Option<usize>> = Vec::with_capacity(tree.len());
        let mut stack: Vec<(NodeId, Option<usize>)> = vec![(root, None)];
        while let Some((id, parent)) = stack.pop() {
            // Script and style bodies are never text; only JSON-LD is read from a script.
            let keep_text = parent.is_none_or(|parent| match &nodes[parent].kind {
                NodeKind::Element { tag, attrs } => match *tag {
                    local_name!("style") => false,
                    local_name!("script") => attrs.iter().any(|(key, value)| {
                        *key == local_name!("type")
                            && value.eq_ignore_ascii_case("application/ld+json")
                    }),
                    _ => true,
                },
                _ => true,
            });
            let Some(kind) = tree.query_node(&id, |tree_node| convert(&tree_node.data, keep_text))
            else {
                continue;
            };
            let index = nodes.len();
            let descend = matches!(kind, NodeKind::Document | NodeKind::Element { .. });
            nodes.push(Node {
                kind,
                parent,
                first_child: None,
                next_sibling: None,
                last_descendant: index,
            });
            last_child.push(None);
            if let Some(parent) = parent {
                match last_child[parent] {
                    None => nodes[parent].first_child = Some(index),
                    Some(previous) => nodes[previous].next_sibling = Some(index),
                }
                last_child[parent] = Some(index);
            }
            if descend {
                let children = tree.child_ids_of(&id);
                stack.extend(children.into_iter().rev().map(|child| (child, Some(index))));
            }
        }
        // Pre-order: a node's subtree ends where the next node that is not inside it begins.
        // Walking backwards, each node's last descendant is its last child's last descendant.
        for index in (0..nodes.len()).rev() {
            if let Some(last) = last_child[index] {
                nodes[index].last_descendant = nodes[last].last_descendant;
            }
        }
        Page { nodes }
    }

    /// The element's tag, if `index` is an element.
    pub fn tag(&self, index: usize) -> Option<&LocalName> {
        match &self.nodes[index].kind {
            NodeKind::Element { tag, .. } => Some(tag),
            _ => None,
        }
    }

    /// Whether `index` is the element `name`.
    pub fn is(&self, index: usize, name: &LocalName) -> bool {
        self.tag(index) == Some(name)
    }

    /// An attribute's value.
    pub fn attr(&self, index: usize, name: &str) -> Option<&str> {
        match &self.nodes[index].kind {
            NodeKind::Element { attrs, .. } => attrs
                .iter()
                .find(|(key, _)| &**key == name)
                .map(|(_, value)| value.as_ref()),
            _ => None,
        }
    }

    /// The children of `index`, in order.
    pub fn children(&self, index: usize) -> Children<'_> {
        Children {
            page: self,
            next: self.nodes[index].first_child,
        }
    }

    /// The index after `index`'s subtree (the next node in pre-order that is not inside it).
    pub fn after_subtree(&self, index: usize) -> usize {
        self.nodes[index].last_descendant + 1
    }

    /// The text of `index`'s subtree, concatenated with whitespace collapsed. A line break or
    /// a block element inside it separates words ("Harbour<br>reopens", a name and a date in
    /// two `<div>`s), as a browser shows them.
    pub fn text_of(&self, index: usize) -> String {
        let mut out = String::new();
        let mut separate = false;
        // Where the block elements entered so far end.
        let mut block_ends: Vec<usize> = Vec::new();
        let last = self.nodes[index].last_descendant;
        for position in index..=last {
            while block_ends.last().is_some_and(|&end| end < position) {
                block_ends.pop();
                separate = true;
            }
            match &self.nodes[position].kind {
                NodeKind::Text(text) => {
                    if separate && !out.is_empty() && !out.ends_with(' ') {
                        out.push(' ');
                    }
                    separate = false;
                    push_collapsed(&mut out, text);
                }
                NodeKind::Element { tag, .. } if position != index && separates_words(tag) => {
                    separate = true;
                    block_ends.push(self.nodes[position].last_descendant);
                }
                _ => {}
            }
        }
        out.trim().to_string()
    }

    /// The text of `index`'s subtree exactly as written (for embedded JSON).
    pub fn text_of_raw(&self, index: usize) -> String {
        let mut out = String::new();
        for node in &self.nodes[index..=self.nodes[index].last_descendant] {
            if let NodeKind::Text(text) = &node.kind {
                out.push_str(text);
            }
        }
        out
    }
}

/// Iterator over a node's children.
pub(crate) struct Children<'a> {
    page: &'a Page,
    next: Option<usize>,
}

impl Iterator for Children<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        let current = self.next?;
        self.next = self.page.nodes[current].next_sibling;
        Some(current)
    }
}

/// Attributes extraction reads; the rest are not copied.
fn is_read_attribute(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("id")
            | local_name!("class")
            | local_name!("role")
            | local_name!("itemprop")
            | local_name!("hidden")
            | local_name!("aria-hidden")
            | local_name!("aria-labelledby")
            | local_name!("style")
            | local_name!("rel")
            | local_name!("type")
            | local_name!("content")
            | local_name!("property")
            | local_name!("name")
            | local_name!("http-equiv")
            | local_name!("datetime")
            | local_name!("lang")
            | local_name!("href")
    )
}

fn convert(data: &NodeData, keep_text: bool) -> NodeKind {
    match data {
        NodeData::Document | NodeData::Fragment => NodeKind::Document,
        NodeData::Element(element) => NodeKind::Element {
            tag: element.name.local.clone(),
            attrs: element
                .attrs
                .iter()
                .filter(|attr| is_read_attribute(&attr.name.local))
                .map(|attr| (attr.name.local.clone(), Box::from(attr.value.as_ref())))
                .collect(),
        },
        NodeData::Text { contents } if keep_text => NodeKind::Text(Box::from(contents.as_ref())),
        NodeData::Text { .. } => NodeKind::Text(Box::from("")),
        _ => NodeKind::Other,
    }
}

/// Whether an element starts a line of its own, so that the text before and after it are
/// separate words.
fn separates_words(tag: &LocalName) -> bool {
    matches!(
        *tag,
        local_name!("br")
            | local_name!("p")
            | local_name!("div")
            | local_name!("li")
            | local_name!("ul")
            | local_name!("ol")
            | local_name!("dd")
            | local_name!("dt")
            | local_name!("td")
            | local_name!("th")
            | local_name!("tr")
            | local_name!("table")
            | local_name!("section")
            | local_name!("article")
            | local_name!("header")
            | local_name!("footer")
            | local_name!("aside")
            | local_name!("nav")
            | local_name!("blockquote")
            | local_name!("figcaption")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("hr")
    )
}

/// Appends `text` to `out`, turning every run of whitespace into one space.
pub(crate) fn push_collapsed(out: &mut String, text: &str) {
    let mut pending_space = text.starts_with(char::is_whitespace) && !out.is_empty();
    for word in text.split_whitespace() {
        if pending_space && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(word);
        pending_space = true;
    }
    if text.ends_with(char::is_whitespace) && !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_keeps_document_order_and_links() {
        let page = Page::parse(
            "<html><body><div id=a><p>one</p><p>two <b>three</b></p></div></body></html>",
        );
        let div = (0..page.nodes.len())
            .find(|&index| page.is(index, &local_name!("div")))
            .unwrap();
        assert_eq!(page.attr(div, "id"), Some("a"));
        let paragraphs: Vec<usize> = page.children(div).collect();
        assert_eq!(paragraphs.len(), 2);
        assert!(paragraphs[0] < paragraphs[1]);
        assert_eq!(page.text_of(paragraphs[1]), "two three");
        assert_eq!(page.after_subtree(div), page.nodes.len());
        assert_eq!(page.after_subtree(paragraphs[0]), paragraphs[1]);
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let depth = 100_000;
        let mut html = String::with_capacity(depth * 12);
        for _ in 0..depth {
            html.push_str("<span>");
        }
        html.push_str("deep");
        let page = Page::parse(&html);
        assert!(page.nodes.len() > 1000);
        assert_eq!(page.text_of(0), "deep");
    }

    #[test]
    fn collapsing_whitespace_joins_words_with_single_spaces() {
        let mut out = String::from("a");
        push_collapsed(&mut out, "  b \n\t c ");
        push_collapsed(&mut out, "d");
        assert_eq!(out, "a b c d");
    }

    #[test]
    fn line_breaks_and_blocks_separate_words_but_inline_tags_do_not() {
        let page = Page::parse(
            "<h1>Harbour<br>reopens</h1><div id=by>Ada Quill<div>Dec 18</div>today</div>\
             <p id=word>Bon<b>jour</b></p>",
        );
        let find = |tag: LocalName| {
            (0..page.nodes.len())
                .find(|&index| page.is(index, &tag))
                .unwrap()
        };
        assert_eq!(page.text_of(find(local_name!("h1"))), "Harbour reopens");
        assert_eq!(
            page.text_of(find(local_name!("div"))),
            "Ada Quill Dec 18 today"
        );
        assert_eq!(page.text_of(find(local_name!("p"))), "Bonjour");
    }
}
