-- A search filtered by dates used to walk the index from the newest article back to the
-- range, intersecting the reader's words with month terms all the way. Articles mostly
-- arrive in the order they were published, so each UTC day of publication now keeps the
-- first and last `seq` of its articles and how many there are. A date range becomes a
-- range of the index's rowids (minus `seq`, migration 0005) where FTS5 starts and stops its
-- walk; the exact date check still runs on every candidate.
--
-- The bounds only widen: a deleted or redated article leaves them as they were, so a day's
-- bounds may cover more than its articles, never fewer. `articles` is exact; the search
-- uses it to tell a range whose rows are mostly in the span (walk it all) from one
-- scattered thinly across it (an archive filled out of order: add the month terms too).
CREATE TABLE published_days (
    day       INTEGER PRIMARY KEY, -- floor(published_at / 86400)
    first_seq INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    articles  INTEGER NOT NULL
);

-- The day is computed with a floored division, as Rust's `div_euclid` does, so that
-- dates before 1970 fall on the right day too.
INSERT INTO published_days (day, first_seq, last_seq, articles)
SELECT (published_at - (published_at % 86400 + 86400) % 86400) / 86400,
       MIN(seq), MAX(seq), COUNT(*)
FROM articles WHERE published_at IS NOT NULL
GROUP BY 1;

CREATE TRIGGER published_days_insert AFTER INSERT ON articles
WHEN new.published_at IS NOT NULL BEGIN
    INSERT INTO published_days (day, first_seq, last_seq, articles)
    VALUES ((new.published_at - (new.published_at % 86400 + 86400) % 86400) / 86400,
            new.seq, new.seq, 1)
    ON CONFLICT (day) DO UPDATE SET first_seq = MIN(first_seq, excluded.first_seq),
                                    last_seq = MAX(last_seq, excluded.last_seq),
                                    articles = articles + 1;
END;
CREATE TRIGGER published_days_delete AFTER DELETE ON articles
WHEN old.published_at IS NOT NULL BEGIN
    UPDATE published_days SET articles = articles - 1
    WHERE day = (old.published_at - (old.published_at % 86400 + 86400) % 86400) / 86400;
END;
CREATE TRIGGER published_days_update_old AFTER UPDATE OF published_at ON articles
WHEN old.published_at IS NOT NULL BEGIN
    UPDATE published_days SET articles = articles - 1
    WHERE day = (old.published_at - (old.published_at % 86400 + 86400) % 86400) / 86400;
END;
CREATE TRIGGER published_days_update_new AFTER UPDATE OF published_at ON articles
WHEN new.published_at IS NOT NULL BEGIN
    INSERT INTO published_days (day, first_seq, last_seq, articles)
    VALUES ((new.published_at - (new.published_at % 86400 + 86400) % 86400) / 86400,
            new.seq, new.seq, 1)
    ON CONFLICT (day) DO UPDATE SET first_seq = MIN(first_seq, excluded.first_seq),
                                    last_seq = MAX(last_seq, excluded.last_seq),
                                    articles = articles + 1;
END;
