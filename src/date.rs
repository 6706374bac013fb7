//! Dates as archives know them: often only a year or a month, sometimes a range.
//!
//! Written in the EDTF subset that covers what documents state: `YYYY`, `YYYY-MM`,
//! `YYYY-MM-DD`, and an interval `start/end` of those ("Between September 12 and
//! Late November 2001" is `2001-09-12/2001-11`). A date sorts by its start, then
//! by its end, so "2001" comes before "2001-09" and a range after its start day.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date known to a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// A date or a range of dates, as written in front matter and timeline headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FuzzyDate {
    pub start: Day,
    pub end: Option<Day>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Day {
    fn parse(text: &str) -> Result<Day, String> {
        let mut parts = text.split('-');
        let year = parts.next().unwrap_or("");
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{text}` does not start with a four-digit year"));
        }
        let year: i32 = year.parse().map_err(|_| format!("bad year in `{text}`"))?;
        let month = parts
            .next()
            .map(|m| number(m, 1, 12, "month", text))
            .transpose()?;
        let day = parts
            .next()
            .map(|d| number(d, 1, 31, "day", text))
            .transpose()?;
        if parts.next().is_some() {
            return Err(format!("`{text}` has too many parts"));
        }
        if let (Some(m), Some(d)) = (month, day)
            && d > days_in_month(year, m)
        {
            return Err(format!("{} {year} has no day {d}", MONTHS[m as usize - 1]));
        }
        Ok(Day { year, month, day })
    }
}

fn number(text: &str, min: u8, max: u8, what: &str, whole: &str) -> Result<u8, String> {
    match text.parse::<u8>() {
        Ok(n) if text.len() == 2 && (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "`{whole}` has an invalid {what} `{text}` (expected {min:02}–{max:02})"
        )),
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl FuzzyDate {
    pub fn parse(text: &str) -> Result<FuzzyDate, String> {
        let text = text.trim();
        let (start, end) = match text.split_once('/') {
            Some((a, b)) => (Day::parse(a)?, Some(Day::parse(b)?)),
            None => (Day::parse(text)?, None),
        };
        if end.is_some_and(|end| end < start) {
            return Err(format!("`{text}` ends before it starts"));
        }
        Ok(FuzzyDate { start, end })
    }

    /// Machine-readable form for `<time datetime>` (the start of a range).
    pub fn iso_start(&self) -> String {
        self.start.to_string()
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl fmt::Display for FuzzyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.start)?;
        if let Some(end) = self.end {
            write!(f, "/{end}")?;
        }
        Ok(())
    }
}

/// "25 February 2002", "April 1999", "12 September – November 2001".
pub fn human(date: &FuzzyDate) -> String {
    fn words(d: &Day) -> String {
        match (d.month, d.day) {
            (Some(m), Some(day)) => format!("{day} {} {}", MONTHS[m as usize - 1], d.year),
            (Some(m), None) => format!("{} {}", MONTHS[m as usize - 1], d.year),
            _ => d.year.to_string(),
        }
    }
    match date.end {
        None => words(&date.start),
        Some(end) => format!("{} – {}", words(&date.start), words(&end)),
    }
}

impl Serialize for FuzzyDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FuzzyDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Accept both `date = "2001-09"` and a bare TOML date `date = 2001-09-11`.
        let value = toml::Value::deserialize(d)?;
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Datetime(dt) if dt.time.is_none() => dt.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a date such as \"2001-09\" or \"2001-09-12/2001-11\", found {}",
                    other.type_str()
                )));
            }
        };
        FuzzyDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_fuzzy_forms() {
        let d = FuzzyDate::parse("2001-09-12/2001-11").unwrap();
        assert_eq!(d.to_string(), "2001-09-12/2001-11");
        assert_eq!(human(&d), "12 September 2001 – November 2001");
        assert_eq!(human(&FuzzyDate::parse("1999-04").unwrap()), "April 1999");
        assert_eq!(FuzzyDate::parse("2002").unwrap().start.month, None);
    }

    #[test]
    fn rejects_impossible_dates_with_a_reason() {
        assert!(
            FuzzyDate::parse("2002-02-30")
                .unwrap_err()
                .contains("no day 30")
        );
        assert!(
            FuzzyDate::parse("2002-13")
                .unwrap_err()
                .contains("invalid month")
        );
        assert!(
            FuzzyDate::parse("April 1999")
                .unwrap_err()
                .contains("four-digit year")
        );
        assert!(
            FuzzyDate::parse("2002/2001")
                .unwrap_err()
                .contains("ends before")
        );
    }

    #[test]
    fn orders_by_start_then_precision() {
        let mut dates: Vec<FuzzyDate> = ["2002-02-25", "1999-04", "2001-09-12/2001-11", "2001"]
            .iter()
            .map(|s| FuzzyDate::parse(s).unwrap())
            .collect();
        dates.sort();
        let order: Vec<String> = dates.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            order,
            ["1999-04", "2001", "2001-09-12/2001-11", "2002-02-25"]
        );
    }
}
