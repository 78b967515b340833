//! `ferrule layout`: the field listing integrators check offsets with.

use std::io::Write;

use clap::Args;
use ferrule_parsers::copybook::{self, IncludePath};
use ferrule_parsers::layout::{Field, FieldKind, Layout};
use ferrule_parsers::registry;

use super::args::{select_help, DialectName, RecordLayoutArgs};
use super::Failure;

#[derive(Args, Debug)]
#[command(mut_arg("select", |a| a.help(select_help::LAYOUT)))]
pub struct LayoutCmdArgs {
    #[command(flatten)]
    layout: RecordLayoutArgs,
    /// Compiler the layout is for: sizes USAGE POINTER (ibm: 4 bytes, gnucobol and
    /// microfocus: 8) and PROCEDURE-POINTER items, as decode --dialect does.
    #[arg(long, value_enum, default_value = "ibm")]
    dialect: DialectName,
    /// Print the listing as JSON (one object per field, with its JSON path).
    #[arg(long)]
    json: bool,
    /// Print the copybook as the parser reads it instead: COPY members and REPLACE
    /// applied, sequence areas and comments removed (free format).
    #[arg(long, conflicts_with = "json")]
    expanded: bool,
}

pub fn run(args: LayoutCmdArgs) -> Result<(), Failure> {
    if args.expanded {
        return expanded(&args.layout);
    }
    let layout = args.layout.load(args.dialect.dialect())?;
    let text = if args.json {
        listing_json(&layout)
    } else {
        listing(&layout)
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// `--expanded`: the copybook text after COPY and REPLACE.
fn expanded(args: &RecordLayoutArgs) -> Result<(), Failure> {
    let name = args.copybook.display().to_string();
    let format = registry::format_for(args.format.as_deref(), &name)
        .map_err(|m| Failure::usage(format!("error: {m}")))?;
    if format.name != "copybook" {
        return Err(Failure::usage(format!(
            "error: --expanded applies to copybooks; {name} is a {} layout",
            format.name
        )));
    }
    let source = std::fs::read_to_string(&args.copybook)
        .map_err(|e| Failure::usage(format!("error: cannot read {name}: {e}")))?;
    let members = IncludePath::new(args.include_dirs());
    let text = copybook::expand(&source, &name, args.source_format, &members)
        .map_err(|e| Failure::usage(e.render(&source, &name)))?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn type_of(f: &Field) -> String {
    match &f.kind {
        FieldKind::Group(_) => "GROUP".into(),
        // An index or pointer as written; its bytes are read as native binary.
        FieldKind::Item(dt) => match f.address_usage {
            Some(usage) => usage.to_string(),
            None => dt.describe(),
        },
    }
}

fn occurs_of(f: &Field) -> String {
    match &f.occurs {
        None => String::new(),
        Some(o) => match &o.depending_on {
            Some(d) => format!("{} TO {} DEPENDING ON {}", o.min, o.max, d.name),
            None => o.max.to_string(),
        },
    }
}

/// A field in the listing: its depth, itself, and its siblings (REDEFINES name one).
type Row<'a> = (usize, &'a Field, &'a [Field]);

/// ` (redefines NAME)`, with ` when FIELD = V1,V2` under a `--select`: which sibling
/// the field overlays, by name as compiler maps say it, and when it applies.
fn overlay(f: &Field, siblings: &[Field]) -> String {
    let Some(r) = f.redefines else {
        return match &f.select_when {
            Some(s) => format!(" (when {} = {})", s.field_name, s.values.join(",")),
            None => String::new(),
        };
    };
    let target = siblings.get(r).map_or("?", |s| s.name.as_str());
    match &f.select_when {
        Some(s) => format!(
            " (redefines {target}, when {} = {})",
            s.field_name,
            s.values.join(",")
        ),
        None => format!(" (redefines {target})"),
    }
}

/// Plain-text listing: offsets are 0-based bytes from the record start, with every
/// OCCURS DEPENDING ON table at its maximum; LENGTH is one occurrence.
pub fn listing(layout: &Layout) -> String {
    let mut s = format!(
        "{:<6} {:<34} {:>7} {:>7}  {:<34} {}\n",
        "LEVEL", "NAME", "OFFSET", "LENGTH", "TYPE", "OCCURS"
    );
    let mut rows = Vec::new();
    fn go<'a>(f: &'a Field, depth: usize, siblings: &'a [Field], rows: &mut Vec<Row<'a>>) {
        rows.push((depth, f, siblings));
        for c in f.children() {
            go(c, depth + 1, f.children(), rows);
        }
    }
    go(&layout.root, 0, &[], &mut rows);
    for (depth, f, siblings) in rows {
        let name = format!("{}{}{}", "  ".repeat(depth), f.name, overlay(f, siblings));
        s.push_str(&format!(
            "{:<6} {:<34} {:>7} {:>7}  {:<34} {}\n",
            format!("{:02}", f.level),
            name,
            f.offset,
            f.size,
            type_of(f),
            occurs_of(f)
        ));
    }
    for r in &layout.renames {
        s.push_str(&format!(
            "{:<6} {:<34} {:>7} {:>7}  RENAMES {}{}\n",
            "66",
            r.name,
            r.offset,
            r.size,
            r.from,
            r.thru
                .as_ref()
                .map(|t| format!(" THRU {t}"))
                .unwrap_or_default()
        ));
    }
    s.push_str(&format!(
        "record length {} bytes{}\n",
        layout.max_len(),
        if layout.has_odo() { " (maximum)" } else { "" }
    ));
    s
}

fn listing_json(layout: &Layout) -> String {
    let fields: Vec<serde_json::Value> = layout
        .walk()
        .into_iter()
        .map(|(path, f)| {
            serde_json::json!({
                "path": path,
                "level": f.level,
                "name": f.name,
                "offset": f.offset,
                "length": f.size,
                "type": type_of(f),
                "occurs": f.occurs.as_ref().map(|o| serde_json::json!({
                    "min": o.min, "max": o.max,
                    "depending_on": o.depending_on.as_ref().map(|d| d.name.clone()),
                })),
                "redefines": f.redefines,
                "line": f.pos.line,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "record": layout.name,
        "length": layout.max_len(),
        "variable": layout.has_odo(),
        "fields": fields,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}
