//! `storyline user …` through the real binary: users added with a password read from
//! standard input, listed, given an app password printed once (the one the store now
//! answers Fever and Google Reader logins with), and removed; wrong input is refused with a
//! message and a failing exit status.

mod common;

use common::Env;
use storyline_store::{Role, SqliteStore, Store};

fn with_stdin(env: &Env, args: &[&str], stdin: &str) -> std::process::Output {
    assert_cmd::Command::cargo_bin("storyline")
        .expect("storyline binary")
        .env("STORYLINE_DATA", env.data())
        .env_remove("STORYLINE_DB")
        .env_remove("STORYLINE_KEY")
        .env("NO_COLOR", "1")
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("run storyline")
}

#[tokio::test]
async fn users_are_added_listed_given_app_passwords_and_removed() {
    let env = Env::new();
    let added = with_stdin(&env, &["user", "add", "Ana"], "a-long-password\n");
    assert!(added.status.success(), "{added:?}");
    assert_eq!(
        String::from_utf8_lossy(&added.stdout).trim(),
        "added reader ana"
    );
    let editor = with_stdin(
        &env,
        &["user", "add", "eve", "--role", "admin"],
        "another-password\n",
    );
    assert!(editor.status.success());

    // Refusals: a taken name, a short password, an unknown role, a name that is no name.
    for (args, stdin, says) in [
        (
            vec!["user", "add", "ana"],
            "a-long-password\n",
            "already a user named ana",
        ),
        (
            vec!["user", "add", "cy"],
            "short\n",
            "at least 8 characters",
        ),
        (
            vec!["user", "add", "cy", "--role", "boss"],
            "a-long-password\n",
            "unknown role",
        ),
        (vec!["user", "add", "c y"], "a-long-password\n", "user name"),
    ] {
        let out = with_stdin(&env, &args, stdin);
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }

    let list = env.ok(&["user", "list"]);
    assert_eq!(
        list.lines().collect::<Vec<_>>(),
        [
            "ana\treader\tno app password",
            "eve\tadmin\tno app password"
        ]
    );

    let printed = env.ok(&["user", "app-password", "ana"]);
    let password = printed.trim();
    assert_eq!(password.len(), 32);
    assert!(password.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(
        env.ok(&["user", "list"])
            .contains("ana\treader\tapp password set")
    );
    // The store keeps what a Fever app computes from the printed password, and a hash.
    let store = SqliteStore::open(&env.data().join("storyline.db"))
        .await
        .unwrap();
    let ana = store.user("ana").await.unwrap().unwrap();
    assert_eq!(ana.role, Role::Reader);
    assert_eq!(
        ana.fever_key.as_deref(),
        Some(storyline_server::accounts::fever_key("ana", password).as_str())
    );
    let hash = ana.app_password_hash.unwrap();
    assert!(hash.starts_with("$argon2") && !hash.contains(password));
    assert!(storyline_server::verify_password(&hash, password));
    store.close().await;

    let again = env.ok(&["user", "app-password", "ana"]);
    assert_ne!(again.trim(), password, "each app password is new");

    env.ok(&["user", "remove", "ana"]);
    let out = env.run(&["user", "remove", "ana"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user named ana"));
    assert_eq!(
        env.ok(&["user", "list"]).trim(),
        "eve\tadmin\tno app password"
    );
}
