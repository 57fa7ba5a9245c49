//! What a search reads of a segment besides its postings: the fast fields and the names
//! behind the string ordinals. Segments never change once written (deletes aside, which
//! these do not depend on), so each is loaded once and kept while the index holds it:
//! opening a column decodes its header, and naming an ordinal decodes a dictionary block.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::SegmentReader;
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;

use crate::error::SearchResult;
use crate::index::{DATED, FRESH, LANG, PROVIDER, SEQ, STORY_KEY, TOPIC};

/// One segment's columns and names.
pub(crate) struct SegmentData {
    pub seq: Column<u64>,
    pub story: Column<u64>,
    pub fresh: Column<i64>,
    pub dated: Column<i64>,
    pub lang: Names,
    pub provider: Names,
    pub topic: Names,
}

/// A string column's ordinals and every name of its dictionary, in ordinal order.
pub(crate) struct Names {
    column: Option<StrColumn>,
    names: Vec<String>,
}

impl Names {
    fn load(column: Option<StrColumn>) -> SearchResult<Self> {
        let mut names = Vec::new();
        if let Some(column) = &column {
            names.reserve(column.dictionary().num_terms());
            let mut terms = column.dictionary().stream()?;
            while terms.advance() {
                names.push(String::from_utf8_lossy(terms.key()).into_owned());
            }
        }
        Ok(Self { column, names })
    }

    /// The ordinals of a document's values.
    pub fn ords(&self, doc: u32) -> impl Iterator<Item = u64> + '_ {
        self.column.iter().flat_map(move |c| c.term_ords(doc))
    }

    /// Every name of the column, in ordinal order.
    pub fn all(&self) -> &[String] {
        &self.names
    }

    /// The name of an ordinal (empty when there is none).
    pub fn name(&self, ord: u64) -> &str {
        self.names.get(ord as usize).map_or("", String::as_str)
    }
}

/// Loaded segments by id, shared by every search of an index.
#[derive(Default)]
pub(crate) struct SegmentCache {
    loaded: Mutex<HashMap<SegmentId, Arc<SegmentData>>>,
}

/// Segments kept beyond those searched last before the cache is trimmed.
const SPARE: usize = 16;

impl SegmentCache {
    /// The data of a segment, loaded on first use.
    pub fn get(&self, segment: &SegmentReader) -> SearchResult<Arc<SegmentData>> {
        let id = segment.segment_id();
        if let Some(data) = self.loaded.lock().ok().and_then(|m| m.get(&id).cloned()) {
            return Ok(data);
        }
        let fast = segment.fast_fields();
        let data = Arc::new(SegmentData {
            seq: fast.u64(SEQ)?,
            story: fast.u64(STORY_KEY)?,
            fresh: fast.i64(FRESH)?,
            dated: fast.i64(DATED)?,
            lang: Names::load(fast.str(LANG)?)?,
            provider: Names::load(fast.str(PROVIDER)?)?,
            topic: Names::load(fast.str(TOPIC)?)?,
        });
        if let Ok(mut loaded) = self.loaded.lock() {
            loaded.insert(id, Arc::clone(&data));
        }
        Ok(data)
    }

    /// Forgets segments the index no longer holds (merged away), once there are enough.
    pub fn keep_only(&self, live: &[SegmentId]) {
        if let Ok(mut loaded) = self.loaded.lock()
            && loaded.len() > live.len() + SPARE
        {
            loaded.retain(|id, _| live.contains(id));
        }
    }
}
