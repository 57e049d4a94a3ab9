//! Calendar dates: TOML local dates in, `YYYY-MM-DD` out, with the day arithmetic of DESIGN §3.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A civil date without time or zone, as written in records (`2025-06-18`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

impl Date {
    /// A date from its parts; `None` for impossible dates such as 2025-02-30.
    pub(crate) fn new(year: i16, month: i8, day: i8) -> Option<Date> {
        jiff::civil::Date::new(year, month, day).ok().map(Date)
    }

    /// Parses `YYYY-MM-DD` (command-line arguments).
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let y = parts.next()?;
        let m = parts.next()?;
        let d = parts.next()?;
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Today in the system's time zone.
    pub fn today() -> Date {
        Date(jiff::ZonedDateTime::now().date())
    }

    /// The calendar day of a Unix time at a UTC offset (a git commit's date where it was made).
    pub(crate) fn from_unix(seconds: i64, offset_minutes: i32) -> Option<Date> {
        let ts = jiff::Timestamp::from_second(seconds).ok()?;
        let offset = jiff::tz::Offset::from_seconds(offset_minutes.checked_mul(60)?).ok()?;
        Some(Date(offset.to_datetime(ts).date()))
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub(crate) fn days_until(self, later: Date) -> i64 {
        i64::from((later.0 - self.0).get_days()) + i64::from((later.0 - self.0).get_weeks()) * 7
    }

    /// The date `n` calendar months later, the day clamped to the month's end.
    pub(crate) fn add_months(self, n: i32) -> Date {
        let total = i32::from(self.0.year()) * 12 + i32::from(self.0.month()) - 1 + n;
        let year = total.div_euclid(12) as i16;
        let month = (total.rem_euclid(12) + 1) as i8;
        let first = jiff::civil::Date::new(year, month, 1).expect("valid month");
        let day = self.0.day().min(first.days_in_month());
        Date(jiff::civil::Date::new(year, month, day).expect("clamped day"))
    }

    /// The next day.
    pub(crate) fn succ(self) -> Date {
        Date(self.0.tomorrow().unwrap_or(self.0))
    }

    pub(crate) fn year(self) -> i16 {
        self.0.year()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), self.0.month(), self.0.day())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        use serde::de::Error;
        let dt = toml::value::Datetime::deserialize(d)?;
        match (dt.date, dt.time, dt.offset) {
            (Some(date), None, None) => Date::new(date.year as i16, date.month as i8, date.day as i8)
                .ok_or_else(|| D::Error::custom(format!("{dt} is not a date in the calendar"))),
            _ => Err(D::Error::custom(format!(
                "expected a date such as 2025-06-18, found `{dt}` (dates carry no time or offset)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_clamp_to_month_end() {
        let d = Date::parse("2025-08-31").unwrap();
        assert_eq!(d.add_months(6).to_string(), "2026-02-28");
        assert_eq!(d.add_months(-6).to_string(), "2025-02-28");
        assert_eq!(Date::parse("2024-02-29").unwrap().add_months(12).to_string(), "2025-02-28");
    }

    #[test]
    fn day_differences() {
        let a = Date::parse("2025-01-01").unwrap();
        let b = Date::parse("2026-01-01").unwrap();
        assert_eq!(a.days_until(b), 365);
        assert_eq!(b.days_until(a), -365);
        assert!(Date::parse("2025-02-30").is_none());
        assert!(Date::parse("2025-2-3").is_none());
    }
}
