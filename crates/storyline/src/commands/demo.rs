//! `storyline demo`: a fresh store in a temporary folder, the bundled sample corpus
//! ingested through the real pipeline, and the stories shown.

use std::process::ExitCode;

use storyline_pipeline::files::FileOptions;
use storyline_store::StoryQuery;

use crate::commands::{ingest, stories};
use crate::settings::Settings;
use storyline_pipeline::Pipeline;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep the demo's store in this folder instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<std::path::PathBuf>,
    /// How many stories to show.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Print the stories and exit instead of serving them.
    #[arg(long)]
    pub no_serve: bool,
    #[command(flatten)]
    pub serve: super::serve::ServeOptions,
}

pub async fn run(args: Args, _settings: &Settings) -> anyhow::Result<ExitCode> {
    let temp = tempfile::tempdir()?;
    let root = args
        .keep
        .clone()
        .unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&root)?;
    let settings = Settings::in_dir(&root.join("data"));
    let corpus = crate::corpus::unpack(&root.join("corpus"))?;
    let store = super::open_store(&settings).await?;
    let mut pipeline = Pipeline::open(
        store.clone(),
        settings.keyring()?,
        settings.pipeline_config()?,
    )
    .await?;
    println!(
        "Ingesting the sample corpus (fictional outlets and events) into {}",
        settings.db()?
    );
    let summary =
        ingest::ingest_paths(&mut pipeline, &corpus, FileOptions::default(), false, None).await?;
    pipeline.refresh_heat().await?;
    println!("\n{summary}\n");
    let views = stories::load(
        store.as_ref(),
        &StoryQuery {
            limit: args.limit,
            ..StoryQuery::default()
        },
    )
    .await?;
    print!("{}", stories::render(&views));
    let stats = store.stats().await?;
    println!("{} articles in {} stories.", stats.articles, stats.stories);
    if args.keep.is_some() {
        println!("The demo store is kept at {}", settings.db()?);
    }
    if !args.no_serve {
        let password = super::serve::random_password()?;
        let hash = storyline_server::hash_password(&password)?;
        super::serve::write_private(&settings.data_dir.join("admin.passwd"), &hash)?;
        let mut config = super::serve::server_config(&args.serve, &settings)?;
        // The password printed below is the one that logs in, whatever the environment says.
        config.admin_password_hash = Some(hash);
        let (addr, handle) =
            super::serve::start(store.clone(), config, true, super::serve::ctrl_c()).await?;
        println!("\nOpen http://{addr}/ to read the demo front page.");
        println!("Admin (sources, editorial actions): http://{addr}/admin — password {password}");
        println!(
            "API: http://{addr}/api/v1/stories · OpenAPI: http://{addr}/api/v1/openapi.json · Ctrl-C stops."
        );
        let _ = handle.await;
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
