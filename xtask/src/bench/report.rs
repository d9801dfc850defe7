//! The bench's one table: rows with a stable id, the median and spread of their runs, and the
//! budget `xtask/bench-budgets.toml` gives that id; printed, written as JSON, and checked.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, Copy)]
pub enum Budget {
    AtMost(f64),
    AtLeast(f64),
}

/// A budget from the file; `ci` budgets are ratios measured in one run.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub budget: Budget,
    pub ci: bool,
}

/// `xtask/bench-budgets.toml`, by row id.
pub fn load_budgets(path: &Path) -> Result<BTreeMap<String, Limit>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let table: toml::Table = text.parse().with_context(|| format!("parsing {}", path.display()))?;
    let mut out = BTreeMap::new();
    for (id, value) in table {
        let entry = value.as_table().ok_or_else(|| anyhow!("{id}: not a table"))?;
        let number =
            |k: &str| entry.get(k).and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)));
        let budget = match (number("max"), number("min")) {
            (Some(max), None) => Budget::AtMost(max),
            (None, Some(min)) => Budget::AtLeast(min),
            _ => bail!("{id}: give exactly one of max or min"),
        };
        let ci = entry.get("ci").and_then(toml::Value::as_bool).unwrap_or(false);
        out.insert(id, Limit { budget, ci });
    }
    Ok(out)
}

#[derive(Debug)]
pub struct Row {
    pub id: String,
    pub figure: String,
    pub unit: &'static str,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
    pub limit: Option<Limit>,
}

impl Row {
    pub fn ok(&self) -> Option<bool> {
        self.limit.map(|l| match l.budget {
            Budget::AtMost(v) => self.median <= v,
            Budget::AtLeast(v) => self.median >= v,
        })
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub rows: Vec<Row>,
    pub seeding: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub budgets: BTreeMap<String, Limit>,
}

impl Report {
    /// Adds a row; `id` names its budget (and its key in the JSON), empty for none.
    pub fn add(&mut self, id: &str, figure: impl Into<String>, unit: &'static str, values: &[f64]) {
        let (median, min, max) = spread(values);
        self.rows.push(Row {
            id: id.to_owned(),
            figure: figure.into(),
            unit,
            median,
            min,
            max,
            runs: values.len(),
            limit: self.budgets.get(id).copied(),
        });
    }

    /// The median of a row already added.
    pub fn median(&self, id: &str) -> Option<f64> {
        self.rows.iter().find(|r| r.id == id).map(|r| r.median)
    }

    /// A ratio row `a / b` of two medians of this run (one value: both sides are medians).
    pub fn ratio(&mut self, id: &str, figure: &str, a: &str, b: &str) {
        if let (Some(a), Some(b)) = (self.median(a), self.median(b)) {
            self.add(id, figure, "×", &[a / b]);
        }
    }

    /// Rows over budget; with `ci_only`, only the ratio budgets count.
    pub fn missed(&self, ci_only: bool) -> Vec<&Row> {
        self.rows
            .iter()
            .filter(|r| r.ok() == Some(false) && (!ci_only || r.limit.is_some_and(|l| l.ci)))
            .collect()
    }

    pub fn print(&self, cores: usize) {
        if !self.seeding.is_empty() {
            println!("\nSeed data (through MCP tools/call):");
            for (part, outcome) in &self.seeding {
                println!("  {part:<40} {outcome}");
            }
        }
        println!(
            "\nTrek benchmark ({cores} cores, loopback, release build; median of the runs, min–max across runs)\n"
        );
        let header = ["id", "figure", "median", "min–max", "budget", "ok?"];
        let lines: Vec<[String; 6]> = self
            .rows
            .iter()
            .map(|r| {
                let budget = match r.limit.map(|l| l.budget) {
                    Some(Budget::AtMost(v)) => format!("≤ {} {}", fmt(v), r.unit),
                    Some(Budget::AtLeast(v)) => format!("≥ {} {}", fmt(v), r.unit),
                    None => "–".into(),
                };
                let ok = match r.ok() {
                    Some(true) => "ok",
                    Some(false) => "MISSED",
                    None => "",
                };
                let runs = if r.runs > 1 { format!(" (n={})", r.runs) } else { String::new() };
                [
                    r.id.clone(),
                    format!("{}{runs}", r.figure),
                    format!("{} {}", fmt(r.median), r.unit),
                    if r.runs > 1 { format!("{}–{}", fmt(r.min), fmt(r.max)) } else { "–".into() },
                    budget,
                    ok.into(),
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for line in &lines {
            for (w, cell) in widths.iter_mut().zip(line) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let row = |cells: &[String]| {
            let parts: Vec<String> = cells
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                .collect();
            println!("| {} |", parts.join(" | "));
        };
        row(&header.map(String::from));
        println!("|{}|", widths.map(|w| "-".repeat(w + 2)).join("|"));
        for line in &lines {
            row(line);
        }
        let missed = self.missed(false);
        if missed.is_empty() {
            println!("\nAll budgets met.");
        } else {
            let ids: Vec<&str> = missed.iter().map(|r| r.id.as_str()).collect();
            println!("\nBUDGETS MISSED ({}): {}", missed.len(), ids.join(", "));
        }
        for note in &self.notes {
            println!("note: {note}");
        }
    }

    pub fn to_json(&self, cores: usize, mode: &str) -> Value {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let budget = r.limit.map(|l| match l.budget {
                    Budget::AtMost(v) => json!({ "at_most": v, "ci": l.ci }),
                    Budget::AtLeast(v) => json!({ "at_least": v, "ci": l.ci }),
                });
                json!({
                    "id": r.id, "figure": r.figure, "unit": r.unit, "median": r.median, "min": r.min,
                    "max": r.max, "runs": r.runs, "budget": budget, "ok": r.ok(),
                })
            })
            .collect();
        let seeding: Map<String, Value> =
            self.seeding.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        json!({
            "cores": cores,
            "mode": mode,
            "load_average": super::sys::load_average(),
            "unix_time": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            "rows": rows,
            "seeding": seeding,
            "notes": self.notes,
        })
    }
}

pub fn fmt(v: f64) -> String {
    if v >= 1000.0 {
        format!("{v:.0}")
    } else if v >= 100.0 {
        format!("{v:.1}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// (median, min, max).
fn spread(values: &[f64]) -> (f64, f64, f64) {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let n = v.len();
    let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
    (median, v[0], v[n - 1])
}
