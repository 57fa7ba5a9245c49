"""Drives storyline's Google Reader API with the `google-reader` client from PyPI.

Usage: google_reader_client.py BASE_URL READER APP_PASSWORD ADMIN ADMIN_APP_PASSWORD

Logs in, lists subscriptions and labels, reads the reading list page by page with
continuation, reads the contents of every item, stars one, marks one read (its syndicated
copy goes with it), checks the unread stream, refuses a reader's new subscription and adds
one as an admin. Prints "all checks passed" at the end; any failed check raises.
"""

import sys

import google_reader

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    base, reader, reader_password, admin, admin_password = sys.argv[1:6]
    client = google_reader.Client(base)

    try:
        client.login(reader, "not-the-app-password")
        raise AssertionError("a wrong app password was accepted")
    except google_reader.AuthenticationError:
        pass

    auth = client.login(reader, reader_password)
    token = client.get_token(auth)
    check(token, "no token")
    info = client.get_user_info(auth)
    check(info.user_name == reader, f"user-info names {info.user_name!r}")

    subscriptions = client.list_subscriptions(auth)
    titles = sorted(s.title for s in subscriptions)
    check(titles == ["Civic Post", "Northgate Observer", "The Ledger"], f"subscriptions {titles}")
    civic = next(s for s in subscriptions if s.title == "Civic Post")
    check([c.label for c in civic.categories] == ["Local"], f"civic's labels {civic.categories}")
    tags = [t.id for t in client.list_tags(auth)]
    check("user/-/label/Top stories" in tags, f"tags {tags}")

    # The reading list two at a time, following continuation.
    ids = []
    continuation = None
    while True:
        page = client.get_stream_items_ids(auth, stream_id=READING_LIST, limit=2, continuation=continuation)
        ids.extend(ref.id for ref in page.item_refs)
        continuation = page.continuation
        if not continuation:
            break
        check(len(ids) < 50, "continuation never ends")
    check(len(ids) == 7 and len(set(ids)) == 7, f"reading list ids {ids}")

    contents = client.get_stream_items_contents(auth, token, ids)
    by_title = {item.title: item for item in contents.items}
    check(len(by_title) == 7, f"contents {sorted(by_title)}")
    lead = by_title["Quake shakes Port Aldine"]
    check("Insurers brace after quake" in lead.summary.content, "the story's other coverage is in the item")
    check(lead.origin.title == "Northgate Observer", f"origin {lead.origin}")

    # Star one, read the original of a syndicated piece.
    starred = by_title["Ferry timetable approved"].id
    client.edit_tags(auth, token, [starred], add_tags=[STARRED])
    original = by_title["Quillon raises $1.2bn"].id
    client.edit_tags(auth, token, [original], add_tags=[READ])
    unread = client.get_stream_items_ids(auth, stream_id=READING_LIST, limit=50, exclude_target=READ)
    check(len(unread.item_refs) == 5, f"unread after one read: {len(unread.item_refs)}")
    stars = client.get_stream_items_ids(auth, stream_id=STARRED, limit=50)
    check(len(stars.item_refs) == 1, f"starred {stars.item_refs}")

    # Mark all of a feed read, then undo nothing: the feed has no unread left.
    client.mark_all_as_read(auth, token, "feed/https://north.example/atom")
    unread = client.get_stream_items_ids(auth, stream_id=READING_LIST, limit=50, exclude_target=READ)
    check(len(unread.item_refs) == 3, f"unread after marking a feed: {len(unread.item_refs)}")

    # A reader cannot add a new source; an admin can.
    try:
        client.quick_add_subscription(auth, token, "https://added.example/feed.xml")
        raise AssertionError("a reader added a source")
    except google_reader.ClientError:
        pass
    admin_auth = client.login(admin, admin_password)
    admin_token = client.get_token(admin_auth)
    added = client.quick_add_subscription(admin_auth, admin_token, "https://added.example/feed.xml")
    check(added.stream_id == "feed/https://added.example/feed.xml", f"quickadd {added}")
    after = sorted(s.id for s in client.list_subscriptions(auth))
    check("feed/https://added.example/feed.xml" in after, f"subscriptions after adding {after}")

    print("all checks passed")


if __name__ == "__main__":
    main()
