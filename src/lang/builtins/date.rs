//! Dates: milliseconds since the epoch, read and written in UTC (the local time
//! zone of the runtime is UTC, as on Workers).

use super::table::Native;
use super::{arg, Method};
use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Vm, R};
use crate::lang::value::{ObjId, ObjKind, Object, Props, Value};

const MS_PER_DAY: f64 = 86_400_000.0;
const MAX_TIME: f64 = 8.64e15;

/// Days since the epoch of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number: (year, month 1..=12, day 1..=31).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `MakeDate(MakeDay(y, m, d), MakeTime(h, min, s, ms))` with month overflow.
fn make_time(y: f64, m: f64, d: f64, h: f64, min: f64, s: f64, ms: f64) -> f64 {
    if ![y, m, d, h, min, s, ms].iter().all(|x| x.is_finite()) {
        return f64::NAN;
    }
    let ym = y.trunc() + (m.trunc() / 12.0).floor();
    let mn = m.trunc().rem_euclid(12.0);
    if ym.abs() > 400_000.0 {
        return f64::NAN;
    }
    let days = days_from_civil(ym as i64, mn as i64 + 1, 1) as f64 + d.trunc() - 1.0;
    let t = days * MS_PER_DAY
        + h.trunc() * 3_600_000.0
        + min.trunc() * 60_000.0
        + s.trunc() * 1000.0
        + ms.trunc();
    time_clip(t)
}

fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > MAX_TIME {
        f64::NAN
    } else {
        t.trunc() + 0.0
    }
}

struct Parts {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    ms: i64,
    weekday: i64,
}

fn parts(t: f64) -> Parts {
    let days = (t / MS_PER_DAY).floor() as i64;
    let ms_of_day = t.rem_euclid(MS_PER_DAY) as i64;
    let (year, month, day) = civil_from_days(days);
    Parts {
        year,
        month,
        day,
        hour: ms_of_day / 3_600_000,
        minute: ms_of_day / 60_000 % 60,
        second: ms_of_day / 1000 % 60,
        ms: ms_of_day % 1000,
        weekday: (days + 4).rem_euclid(7),
    }
}

/// `toISOString`.
pub(crate) fn iso(t: f64) -> String {
    let p = parts(t);
    let year = if (0..=9999).contains(&p.year) {
        format!("{:04}", p.year)
    } else if p.year < 0 {
        format!("-{:06}", -p.year)
    } else {
        format!("+{:06}", p.year)
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        p.month, p.day, p.hour, p.minute, p.second, p.ms
    )
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `String(date)`.
pub(crate) fn to_date_string(t: f64) -> String {
    if t.is_nan() {
        return "Invalid Date".into();
    }
    let p = parts(t);
    format!(
        "{} {} {:02} {:04} {:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)",
        DAYS[p.weekday as usize],
        MONTHS[(p.month - 1) as usize],
        p.day,
        p.year,
        p.hour,
        p.minute,
        p.second
    )
}

fn utc_string(t: f64) -> String {
    if t.is_nan() {
        return "Invalid Date".into();
    }
    let p = parts(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[p.weekday as usize],
        p.day,
        MONTHS[(p.month - 1) as usize],
        p.year,
        p.hour,
        p.minute,
        p.second
    )
}

/// Parses the date formats JavaScript engines accept commonly: ISO 8601
/// (`2024-01-02`, `2024-01-02T03:04:05.678Z`, with offsets; date-only forms are UTC,
/// date-time forms without offset are local time, which is UTC here) and the
/// `toUTCString`/`toString` forms.
pub(crate) fn parse(s: &str) -> f64 {
    let s = s.trim();
    parse_iso(s)
        .or_else(|| parse_utc_string(s))
        .unwrap_or(f64::NAN)
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_iso(s: &str) -> Option<f64> {
    let (date, rest) = match s.find('T').or_else(|| s.find(' ').filter(|_| s.len() > 10)) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (sign, date) = match date.as_bytes().first() {
        Some(b'+') => (1, &date[1..]),
        Some(b'-') if date.len() > 10 => (-1, &date[1..]),
        _ => (1, date),
    };
    let mut it = date.split('-');
    let y = num(it.next()?)? * sign;
    let m = it.next().map_or(Some(1), num)?;
    let d = it.next().map_or(Some(1), num)?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut t = make_time(y as f64, (m - 1) as f64, d as f64, 0.0, 0.0, 0.0, 0.0);
    if let Some(rest) = rest {
        let (time, offset) = match rest.find(['Z', 'z', '+', '-']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let mut tp = time.split(':');
        let h = num(tp.next()?)?;
        let mi = num(tp.next()?)?;
        let (sec, ms) = match tp.next() {
            Some(sv) => match sv.split_once('.') {
                Some((a, b)) => {
                    let frac: String = b.chars().take(3).collect();
                    let frac = format!("{frac:0<3}");
                    (num(a)?, num(&frac)?)
                }
                None => (num(sv)?, 0),
            },
            None => (0, 0),
        };
        if h > 24 || mi > 59 || sec > 59 {
            return None;
        }
        t += (h * 3_600_000 + mi * 60_000 + sec * 1000 + ms) as f64;
        match offset {
            "" | "Z" | "z" => {}
            o => {
                let sign = if o.starts_with('-') { 1.0 } else { -1.0 };
                let o = &o[1..];
                let (oh, om) = match o.split_once(':') {
                    Some((a, b)) => (num(a)?, num(b)?),
                    None if o.len() == 4 => (num(&o[..2])?, num(&o[2..])?),
                    None => (num(o)?, 0),
                };
                t += sign * ((oh * 60 + om) * 60_000) as f64;
            }
        }
    }
    Some(time_clip(t))
}

fn parse_utc_string(s: &str) -> Option<f64> {
    // "Tue, 02 Jan 2024 03:04:05 GMT" or "Tue Jan 02 2024 03:04:05 GMT+0000 (…)"
    let words: Vec<&str> = s.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let month_of = |w: &str| MONTHS.iter().position(|m| w.starts_with(m));
    let (day, month, year, time) = if let Some(m) = words.get(1).and_then(|w| month_of(w)) {
        (num(words.get(2)?)?, m, num(words.get(3)?)?, words.get(4))
    } else if let Some(m) = words.get(2).and_then(|w| month_of(w)) {
        (num(words.get(1)?)?, m, num(words.get(3)?)?, words.get(4))
    } else {
        return None;
    };
    let (h, mi, sec) = match time {
        Some(t) => {
            let mut p = t.split(':');
            (
                num(p.next()?)?,
                num(p.next().unwrap_or("0"))?,
                num(p.next().unwrap_or("0"))?,
            )
        }
        None => (0, 0, 0),
    };
    Some(make_time(
        year as f64,
        month as f64,
        day as f64,
        h as f64,
        mi as f64,
        sec as f64,
        0.0,
    ))
}

fn new_date(vm: &mut Vm<'_>, t: f64, site: Site) -> R<Value> {
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::Date(time_clip(t)),
            origin: 0,
        },
        site,
    )
}

/// `new Date(…)`.
pub(super) fn construct(vm: &mut Vm<'_>, args: &[Value], site: Site) -> R<Value> {
    let t = match args {
        [] => vm.host.now(),
        [Value::Str(s)] => parse(&vm.heap.str_lossy(*s)),
        [Value::Obj(o)] if matches!(vm.heap.obj(*o).kind, ObjKind::Date(_)) => {
            match vm.heap.obj(*o).kind {
                ObjKind::Date(t) => t,
                _ => f64::NAN,
            }
        }
        [v] => vm.to_number(*v, site)?,
        _ => {
            let mut n = [0.0f64, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
            for (i, a) in args.iter().take(7).enumerate() {
                n[i] = vm.to_number(*a, site)?;
            }
            if (0.0..=99.0).contains(&n[0].trunc()) {
                n[0] = 1900.0 + n[0].trunc();
            }
            make_time(n[0], n[1], n[2], n[3], n[4], n[5], n[6])
        }
    };
    new_date(vm, t, site)
}

/// `Date.now`, `Date.UTC`, `Date.parse`.
pub(super) fn call(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    Ok(Value::Num(match n {
        Native::DateNow => vm.host.now(),
        Native::DateParse => {
            let s = vm.to_string(arg(args, 0), site)?;
            parse(&vm.heap.str_lossy(s))
        }
        _ => {
            let mut v = [f64::NAN, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
            for (i, a) in args.iter().take(7).enumerate() {
                v[i] = vm.to_number(*a, site)?;
            }
            if (0.0..=99.0).contains(&v[0].trunc()) {
                v[0] = 1900.0 + v[0].trunc();
            }
            make_time(v[0], v[1], v[2], v[3], v[4], v[5], v[6])
        }
    }))
}

/// `setFullYear(y, m, d)` and the other setters (local time is UTC): they set the
/// fields from `first` on (0 year, 1 month, 2 day, 3 hours, 4 minutes, 5 seconds,
/// 6 milliseconds), at most `count` of them, as many as there are arguments (at least
/// one); the others keep their value. Returns the new time.
fn set_fields(
    vm: &mut Vm<'_>,
    o: ObjId,
    t: f64,
    first: usize,
    count: usize,
    args: &[Value],
    site: Site,
) -> R<Value> {
    let mut given = [f64::NAN; 4];
    for (i, slot) in given.iter_mut().enumerate().take(count) {
        if i == 0 || i < args.len() {
            *slot = vm.to_number(arg(args, i), site)?;
        }
    }
    // Only the year may be set on an invalid date, which then starts from the epoch.
    let base = if t.is_nan() && first == 0 { 0.0 } else { t };
    let v = if base.is_nan() {
        f64::NAN
    } else {
        let p = parts(base);
        let mut f =
            [p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms].map(|x| x as f64);
        for (i, g) in given.iter().enumerate().take(count.min(args.len().max(1))) {
            f[first + i] = *g;
        }
        make_time(f[0], f[1], f[2], f[3], f[4], f[5], f[6])
    };
    if let ObjKind::Date(slot) = &mut vm.heap.obj_mut(o).kind {
        *slot = v;
    }
    Ok(Value::Num(v))
}

/// Date methods.
pub(super) fn method(
    vm: &mut Vm<'_>,
    o: ObjId,
    m: Method,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    let ObjKind::Date(t) = vm.heap.obj(o).kind else {
        return Ok(None);
    };
    let field = |f: fn(&Parts) -> i64| {
        if t.is_nan() {
            Value::Num(f64::NAN)
        } else {
            Value::Num(f(&parts(t)) as f64)
        }
    };
    Ok(Some(match m {
        Method::GetTime | Method::ValueOf => Value::Num(t),
        Method::ToIsoString => {
            if t.is_nan() {
                return Err(vm.throw(error_class::RANGE_ERROR, "Invalid time value", site));
            }
            vm.str_value(&iso(t), site)?
        }
        Method::ToJson => {
            if t.is_nan() {
                Value::Null
            } else {
                vm.str_value(&iso(t), site)?
            }
        }
        Method::ToString => vm.str_value(&to_date_string(t), site)?,
        Method::ToUtcString => vm.str_value(&utc_string(t), site)?,
        Method::GetFullYear | Method::GetUtcFullYear => field(|p| p.year),
        Method::GetMonth | Method::GetUtcMonth => field(|p| p.month - 1),
        Method::GetDate | Method::GetUtcDate => field(|p| p.day),
        Method::GetDay | Method::GetUtcDay => field(|p| p.weekday),
        Method::GetHours | Method::GetUtcHours => field(|p| p.hour),
        Method::GetMinutes | Method::GetUtcMinutes => field(|p| p.minute),
        Method::GetSeconds | Method::GetUtcSeconds => field(|p| p.second),
        Method::GetMilliseconds | Method::GetUtcMilliseconds => field(|p| p.ms),
        Method::GetTimezoneOffset => Value::Num(if t.is_nan() { f64::NAN } else { 0.0 }),
        Method::SetTime => {
            let v = time_clip(vm.to_number(arg(args, 0), site)?);
            if let ObjKind::Date(slot) = &mut vm.heap.obj_mut(o).kind {
                *slot = v;
            }
            Value::Num(v)
        }
        Method::SetFullYear | Method::SetUtcFullYear => set_fields(vm, o, t, 0, 3, args, site)?,
        Method::SetMonth | Method::SetUtcMonth => set_fields(vm, o, t, 1, 2, args, site)?,
        Method::SetDate | Method::SetUtcDate => set_fields(vm, o, t, 2, 1, args, site)?,
        Method::SetHours | Method::SetUtcHours => set_fields(vm, o, t, 3, 4, args, site)?,
        Method::SetMinutes | Method::SetUtcMinutes => set_fields(vm, o, t, 4, 3, args, site)?,
        Method::SetSeconds | Method::SetUtcSeconds => set_fields(vm, o, t, 5, 2, args, site)?,
        Method::SetMilliseconds | Method::SetUtcMilliseconds => {
            set_fields(vm, o, t, 6, 1, args, site)?
        }
        _ => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each expression with what Node 20 prints for it.
    #[test]
    fn agrees_with_node() {
        super::super::test_support::check(&[
        ("(() => { const d = new Date(Date.UTC(2024, 1, 29)); const r = d.setUTCFullYear(2025); return r + ' ' + d.toISOString(); })()", "1740787200000 2025-03-01T00:00:00.000Z"),
        ("(() => { const d = new Date(Date.UTC(2024, 0, 31, 10, 20, 30, 400)); d.setUTCMonth(1); return d.toISOString(); })()", "2024-03-02T10:20:30.400Z"),
        ("(() => { const d = new Date(Date.UTC(2024, 0, 31)); d.setUTCMonth(1, 3); return d.toISOString(); })()", "2024-02-03T00:00:00.000Z"),
        ("(() => { const d = new Date(Date.UTC(2024, 0, 31)); d.setUTCDate(0); return d.toISOString(); })()", "2023-12-31T00:00:00.000Z"),
        ("(() => { const d = new Date(Date.UTC(2024, 0, 31)); d.setUTCDate(45); return d.toISOString(); })()", "2024-02-14T00:00:00.000Z"),
        ("(() => { const d = new Date(Date.UTC(2024, 0, 1)); d.setUTCHours(25, 61, 61, 1001); return d.toISOString(); })()", "2024-01-02T02:02:02.001Z"),
        ("(() => { const d = new Date(Date.UTC(2024, 0, 1, 5, 6, 7, 8)); d.setUTCMinutes(30); return d.toISOString(); })()", "2024-01-01T05:30:07.008Z"),
        ("(() => { const d = new Date(Date.UTC(2024, 0, 1, 5, 6, 7, 8)); d.setUTCSeconds(-1); return d.toISOString(); })()", "2024-01-01T05:05:59.008Z"),
        ("(() => { const d = new Date(Date.UTC(2024, 0, 1, 5, 6, 7, 8)); return d.setUTCMilliseconds(999.9) + ' ' + d.toISOString(); })()", "1704085567999 2024-01-01T05:06:07.999Z"),
        ("(() => { const d = new Date(0); return d.setTime(86400000) + ' ' + d.toISOString(); })()", "86400000 1970-01-02T00:00:00.000Z"),
        ("(() => { const d = new Date(0); return d.setTime('x') + ' ' + d.getTime(); })()", "NaN NaN"),
        ("(() => { const d = new Date(0); return d.setTime(8.64e15 + 1); })()", "NaN"),
        ("(() => { const d = new Date(NaN); return d.setUTCFullYear(2020) + ' ' + d.toISOString(); })()", "1577836800000 2020-01-01T00:00:00.000Z"),
        ("(() => { const d = new Date(NaN); return d.setUTCMonth(2) + ' ' + d.getTime(); })()", "NaN NaN"),
        ("(() => { const d = new Date(NaN); return d.setUTCHours(2); })()", "NaN"),
        ("(() => { const d = new Date(0); return d.setUTCHours(); })()", "NaN"),
        ("(() => { const d = new Date(0); return d.setUTCFullYear(2020, 5, 6) + ' ' + d.toISOString(); })()", "1591401600000 2020-06-06T00:00:00.000Z"),
        ("(() => { const d = new Date(0); d.setFullYear(2001); d.setMonth(3); d.setDate(4); d.setHours(5); d.setMinutes(6); d.setSeconds(7); d.setMilliseconds(8); return d.toISOString(); })()", "2001-04-04T05:06:07.008Z"),
        ("(() => { const d = new Date(0); return d.setUTCFullYear(275761); })()", "NaN"),
        ("(() => { const d = new Date(0); return d.setUTCDate(Infinity) + ' ' + d.getTime(); })()", "NaN NaN"),
        ]);
    }

    #[test]
    fn iso_round_trip() {
        let t = parse("2024-01-02T03:04:05.678Z");
        assert_eq!(t, 1_704_164_645_678.0);
        assert_eq!(iso(t), "2024-01-02T03:04:05.678Z");
        assert_eq!(parse("2024-01-02"), 1_704_153_600_000.0);
        assert_eq!(
            parse("2024-01-02T03:04:05+01:00"),
            parse("2024-01-02T02:04:05Z")
        );
        assert!(parse("not a date").is_nan());
        assert_eq!(
            to_date_string(0.0),
            "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(utc_string(0.0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(parse("Thu, 01 Jan 1970 00:00:00 GMT"), 0.0);
        assert_eq!(
            make_time(2024.0, 12.0, 1.0, 0.0, 0.0, 0.0, 0.0),
            parse("2025-01-01")
        );
    }
}
