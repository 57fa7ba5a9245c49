//! The front-matter tree: an ordered YAML subset that remembers how it was written.
//!
//! A [`Mapping`] holds [`Entry`]s in file order; a [`Sequence`] holds [`Item`]s; leaves are
//! [`Scalar`]s. Each entry and item keeps the blank and comment lines written before it
//! (its *leading* lines) and each block collection its column, so a parsed record writes back
//! byte for byte. A scalar parsed from text keeps that text verbatim (quotes, escapes, trailing
//! comment) until it is given a new value; new scalars are written in their [`ScalarStyle`].

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    /// Unquoted: `news`, `37`, `2024-03-05T07:42:00Z`. Empty plain = null.
    Plain,
    /// `"..."` with backslash escapes.
    DoubleQuoted,
    /// `'...'` with `''` for a quote.
    SingleQuoted,
}

/// A leaf value: its decoded text, its style and, when parsed, the exact source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    text: String,
    style: ScalarStyle,
    /// What followed `key:` (or `-`) in the source, written back unchanged.
    raw: Option<String>,
}

impl Scalar {
    pub(crate) fn parsed(text: String, style: ScalarStyle, raw: String) -> Self {
        Self {
            text,
            style,
            raw: Some(raw),
        }
    }

    /// A plain scalar for a typed value (number, boolean, date); the caller vouches that the
    /// text is a valid plain scalar. Unsafe text is double-quoted when written.
    pub fn typed(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style: ScalarStyle::Plain,
            raw: None,
        }
    }

    /// A text value, plain when that reads back as the same text, else double-quoted.
    pub fn text_value(text: impl Into<String>) -> Self {
        let text = text.into();
        let style = if super::write::is_plain_text(&text) {
            ScalarStyle::Plain
        } else {
            ScalarStyle::DoubleQuoted
        };
        Self {
            text,
            style,
            raw: None,
        }
    }

    /// A double-quoted text value (titles, excerpts, URLs, `secured`).
    pub fn quoted(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style: ScalarStyle::DoubleQuoted,
            raw: None,
        }
    }

    /// The null scalar (written as nothing after `key:`).
    pub fn null() -> Self {
        Self::typed("")
    }

    /// The decoded text.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn style(&self) -> ScalarStyle {
        self.style
    }

    /// Whether this is YAML null (`key:`, `~`, `null`).
    pub fn is_null(&self) -> bool {
        self.style == ScalarStyle::Plain
            && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }

    pub(crate) fn raw(&self) -> Option<&str> {
        self.raw.as_deref()
    }

    /// Same value for a reader: same text, and both quoted or both plain.
    pub(crate) fn same_value(&self, other: &Scalar) -> bool {
        self.text == other.text
            && (self.style == ScalarStyle::Plain) == (other.style == ScalarStyle::Plain)
    }
}

/// A value in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Scalar(Scalar),
    Mapping(Mapping),
    Sequence(Sequence),
}

impl Node {
    /// What kind of value this is, for messages: `text`, `a group of fields`, `a list`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Node::Scalar(s) if s.is_null() => "nothing",
            Node::Scalar(_) => "a single value",
            Node::Mapping(_) => "a group of fields",
            Node::Sequence(_) => "a list",
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&Mapping> {
        match self {
            Node::Mapping(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&Sequence> {
        match self {
            Node::Sequence(s) => Some(s),
            _ => None,
        }
    }
}

/// One `key: value` of a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    key: String,
    /// The key as written, when it was quoted.
    pub(crate) key_raw: Option<String>,
    pub(crate) value: Node,
    /// Blank and comment lines before this entry, verbatim.
    pub(crate) leading: Vec<String>,
    /// What followed `key:` on its line when the value is a block collection (a comment).
    pub(crate) suffix: String,
    /// 1-based line in the record file; 0 for entries built in memory.
    pub(crate) line: usize,
}

impl Entry {
    /// A new entry, preceded by `blank_lines` blank lines when written.
    pub fn new(key: impl Into<String>, value: Node, blank_lines: usize) -> Self {
        Self {
            key: key.into(),
            key_raw: None,
            value,
            leading: vec![String::new(); blank_lines],
            suffix: String::new(),
            line: 0,
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn value(&self) -> &Node {
        &self.value
    }

    pub fn value_mut(&mut self) -> &mut Node {
        &mut self.value
    }

    /// 1-based line of this entry in the record it was parsed from (0 if built in memory).
    pub fn line(&self) -> usize {
        self.line
    }

    pub(crate) fn parsed(key: String, key_raw: Option<String>, value: Node, line: usize) -> Self {
        Self {
            key,
            key_raw,
            value,
            leading: Vec::new(),
            suffix: String::new(),
            line,
        }
    }
}

/// Fields in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mapping {
    pub(crate) entries: Vec<Entry>,
    /// Column of the keys, when parsed.
    pub(crate) column: Option<usize>,
    /// An empty flow mapping as written (`{}` and the spaces before it, after `key:` or `-`):
    /// written back verbatim while the mapping stays empty.
    pub(crate) empty_raw: Option<String>,
}

impl Mapping {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|e| e.key == key)
            .map(|e| &mut e.value)
    }

    pub(crate) fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.key == key)
    }

    /// Appends an entry (the caller keeps keys unique).
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// Sets `key` to `value` in place, or appends it when absent.
    pub fn set(&mut self, key: &str, value: Node) {
        match self.get_mut(key) {
            Some(slot) => *slot = value,
            None => self.entries.push(Entry::new(key, value, 0)),
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let at = self.position(key)?;
        Some(self.entries.remove(at).value)
    }
}

/// One `- value` of a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub(crate) value: Node,
    pub(crate) leading: Vec<String>,
    /// When the value is a block collection starting on the next line: what followed `-`.
    pub(crate) own_line_suffix: Option<String>,
    pub(crate) line: usize,
}

impl Item {
    pub fn new(value: Node) -> Self {
        Self {
            value,
            leading: Vec::new(),
            own_line_suffix: None,
            line: 0,
        }
    }

    pub fn value(&self) -> &Node {
        &self.value
    }

    pub fn value_mut(&mut self) -> &mut Node {
        &mut self.value
    }

    pub fn line(&self) -> usize {
        self.line
    }
}

/// Items in file order, written as a block list (`- x` lines) or, when parsed so, a flow list
/// (`[x, y]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sequence {
    pub(crate) items: Vec<Item>,
    pub(crate) column: Option<usize>,
    pub(crate) flow: bool,
    /// A flow list as written (from after `key:` or `-` to its `]`) and the items it held then:
    /// written back verbatim while the items are unchanged.
    pub(crate) flow_raw: Option<Box<(String, Vec<Item>)>>,
}

impl Sequence {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn items_mut(&mut self) -> &mut Vec<Item> {
        &mut self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn push(&mut self, value: Node) {
        self.items.push(Item::new(value));
    }
}

impl FromIterator<Node> for Sequence {
    fn from_iter<T: IntoIterator<Item = Node>>(iter: T) -> Self {
        Self {
            items: iter.into_iter().map(Item::new).collect(),
            column: None,
            flow: false,
            flow_raw: None,
        }
    }
}
