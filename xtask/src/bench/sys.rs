//! What the bench reads from `/proc`: a process's memory and CPU time, the machine's CPU time
//! and load, so the table can say who used the cores while it measured.

use anyhow::{Context, Result, anyhow};

/// Linux reports process CPU times in clock ticks of `USER_HZ`, which is 100 on every
/// architecture Trek runs on (it is part of the kernel ABI, unlike `HZ`).
const USER_HZ: f64 = 100.0;

/// A `kB` field of /proc/PID/status (VmRSS, VmHWM), in MB.
pub fn memory_mb(pid: u32, field: &str) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|l| l.starts_with(&format!("{field}:")))
        .ok_or_else(|| anyhow!("{field} missing from /proc/{pid}/status"))?;
    let kb: f64 = line
        .split_whitespace()
        .nth(1)
        .ok_or_else(|| anyhow!("bad {field} line"))?
        .parse()
        .with_context(|| format!("parsing {field}"))?;
    Ok(kb / 1024.0)
}

/// Resets a process's peak RSS (VmHWM) to its current RSS, so the next peak read covers only
/// what follows (`echo 5 > /proc/PID/clear_refs`, Linux ≥ 4.0). False when not permitted.
pub fn reset_peak(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// User + system CPU seconds a process has used (all its threads).
pub fn cpu_seconds(pid: Option<u32>) -> Result<f64> {
    let path = pid.map_or_else(|| "/proc/self/stat".to_owned(), |p| format!("/proc/{p}/stat"));
    let stat = std::fs::read_to_string(&path)?;
    // The command name (field 2) may contain spaces; fields after its `)` are fixed.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).ok_or_else(|| anyhow!("bad {path}"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 11 and 12 after the name.
    let ticks =
        |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).ok_or_else(|| anyhow!("bad {path}"));
    Ok((ticks(11)? + ticks(12)?) / USER_HZ)
}

/// Busy and total CPU seconds of the whole machine (all cores), from /proc/stat.
pub fn machine_cpu_seconds() -> Result<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/stat")?;
    let line = stat.lines().next().ok_or_else(|| anyhow!("empty /proc/stat"))?;
    let values: Vec<f64> = line.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let total: f64 = values.iter().take(8).sum();
    let idle = values.get(3).copied().unwrap_or(0.0) + values.get(4).copied().unwrap_or(0.0);
    Ok(((total - idle) / USER_HZ, total / USER_HZ))
}

/// The 1-minute load average, for the record of how busy the machine was.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

/// CPU use over a window: the generator (this process), the server and everything else.
#[derive(Debug, Clone, Copy)]
pub struct CpuWindow {
    generator: f64,
    server: f64,
    busy: f64,
    total: f64,
    server_pid: u32,
}

/// Percent of one core each used over a window.
#[derive(Debug, Clone, Copy)]
pub struct CpuUse {
    pub generator: f64,
    pub server: f64,
    pub others: f64,
    /// Percent of all cores busy.
    pub machine_busy: f64,
}

impl CpuWindow {
    pub fn start(server_pid: u32) -> Result<Self> {
        let (busy, total) = machine_cpu_seconds()?;
        Ok(Self {
            generator: cpu_seconds(None)?,
            server: cpu_seconds(Some(server_pid))?,
            busy,
            total,
            server_pid,
        })
    }

    pub fn stop(&self, wall: f64, cores: usize) -> Result<CpuUse> {
        let (busy, total) = machine_cpu_seconds()?;
        let generator = (cpu_seconds(None)? - self.generator) / wall * 100.0;
        let server = (cpu_seconds(Some(self.server_pid))? - self.server) / wall * 100.0;
        let machine = (busy - self.busy) / (total - self.total).max(f64::EPSILON);
        let all = machine * cores as f64 * 100.0;
        Ok(CpuUse {
            generator,
            server,
            others: (all - generator - server).max(0.0),
            machine_busy: machine * 100.0,
        })
    }
}
