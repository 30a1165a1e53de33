//! The `contentkit` command: check, render and (later) serve ContentKit UI.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use contentkit::element::{Element, RenderOutput, ValidationErrors};
use serde_json::Value;

#[derive(Parser)]
#[command(
    name = "contentkit",
    version,
    about = "Build, check and preview GitBook ContentKit UI"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check files and print them back in GitBook's exact JSON form.
    Render {
        /// An element tree or a render output (`.json`).
        file: PathBuf,
        /// The output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Indent the JSON.
        #[arg(long)]
        pretty: bool,
    },
    /// Report every error in each file as `FILE: path: message`; exit 1 on any.
    Check {
        /// Element trees or render outputs (`.json`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// GitBook's JSON.
    Json,
}

/// A file's content, read as what it holds.
enum Document {
    Tree(Element),
    Output(RenderOutput),
}

impl Document {
    fn to_value(&self) -> Value {
        match self {
            Document::Tree(e) => e.to_value(),
            Document::Output(o) => o.to_value(),
        }
    }
}

/// Every problem with one file, already formatted as `FILE: …` lines.
struct FileErrors(Vec<String>);

fn load(path: &Path) -> Result<Document, FileErrors> {
    let name = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| FileErrors(vec![format!("{name}: cannot read: {e}")]))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        FileErrors(vec![format!(
            "{name}:{}:{}: invalid JSON: {e}",
            e.line(),
            e.column()
        )])
    })?;
    let located = |errors: ValidationErrors| {
        FileErrors(errors.iter().map(|e| format!("{name}: {e}")).collect())
    };
    if is_render_output(&value) {
        RenderOutput::from_value(&value)
            .map(Document::Output)
            .map_err(located)
    } else {
        Element::from_root_value(&value)
            .map(Document::Tree)
            .map_err(located)
    }
}

/// A render output is tagged `element`/`complete`, or wraps an `element`; anything else is a tree.
fn is_render_output(v: &Value) -> bool {
    matches!(
        v.get("type").and_then(Value::as_str),
        Some("element" | "complete")
    ) || (v.get("type").is_none() && v.get("element").is_some())
}

fn render(file: &Path, _format: Format, pretty: bool) -> ExitCode {
    match load(file) {
        Ok(doc) => {
            let value = doc.to_value();
            let text = if pretty {
                serde_json::to_string_pretty(&value)
            } else {
                serde_json::to_string(&value)
            };
            match text {
                Ok(t) => {
                    println!("{t}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    ExitCode::FAILURE
                }
            }
        }
        Err(FileErrors(lines)) => {
            for l in lines {
                eprintln!("{l}");
            }
            ExitCode::FAILURE
        }
    }
}

fn check(files: &[PathBuf]) -> ExitCode {
    let mut failed = 0;
    for file in files {
        if let Err(FileErrors(lines)) = load(file) {
            failed += 1;
            for l in lines {
                println!("{l}");
            }
        }
    }
    eprintln!("checked {} file(s): {} with errors", files.len(), failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Render {
            file,
            format,
            pretty,
        } => render(&file, format, pretty),
        Command::Check { files } => check(&files),
    }
}
