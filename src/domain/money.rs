//! Exact money: amounts are integer minor units (cents) with a scale (the number of decimal
//! places), parsed from and shown as decimal strings like `"12.50"`. The scale comes from the
//! currency's ISO 4217 exponent. Money is never a float.

use super::DomainError;

/// Largest whole part accepted (twelve digits), so sums of many items stay far from `i64::MAX`.
const MAX_WHOLE_DIGITS: usize = 12;

/// Currencies whose ISO 4217 minor unit is not 2 decimal places; every other code has 2.
const EXPONENTS: &[(&str, u32)] = &[
    ("BHD", 3),
    ("BIF", 0),
    ("CLP", 0),
    ("DJF", 0),
    ("GNF", 0),
    ("IQD", 3),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KMF", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("LYD", 3),
    ("OMR", 3),
    ("PYG", 0),
    ("RWF", 0),
    ("TND", 3),
    ("UGX", 0),
    ("UYI", 0),
    ("VND", 0),
    ("VUV", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("XPF", 0),
];

/// Decimal places of `currency` (ISO 4217 exponent; 2 when not listed).
pub fn decimals(currency: &str) -> u32 {
    let code = currency.trim().to_ascii_uppercase();
    EXPONENTS.iter().find(|(c, _)| *c == code).map_or(2, |&(_, e)| e)
}

/// Parses a non-negative decimal string with at most `decimals` decimal places into minor
/// units at that scale: `"12.5"` with 2 decimals is 1250.
pub fn parse_amount(field: &'static str, value: &str, decimals: u32) -> Result<i64, DomainError> {
    let v = value.trim();
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    let well_formed = !whole.is_empty()
        && whole.len() <= MAX_WHOLE_DIGITS
        && whole.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit())
        && !(v.contains('.') && frac.is_empty());
    if !well_formed {
        return Err(DomainError::invalid(
            field,
            format!("{value:?} is not a non-negative decimal amount like \"12.50\""),
        ));
    }
    if frac.len() > decimals as usize {
        return Err(DomainError::invalid(
            field,
            format!("{value:?} has more than {decimals} decimal places, the currency's precision"),
        ));
    }
    let scale = 10_i64.pow(decimals);
    let whole: i64 = whole.parse().map_err(|_| DomainError::invalid(field, "amount is too large"))?;
    let padded = format!("{frac:0<width$}", width = decimals as usize);
    let frac: i64 = if padded.is_empty() { 0 } else { padded.parse().unwrap_or(0) };
    Ok(whole * scale + frac)
}

/// Shows minor units at `decimals` places: `format_amount(1250, 2)` is `"12.50"`.
pub fn format_amount(minor: i64, decimals: u32) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if decimals == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10_u64.pow(decimals);
    format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = decimals as usize)
}

/// Converts minor units at scale `from` to scale `to` (`to >= from`), exactly.
pub fn rescale(minor: i64, from: u32, to: u32) -> i64 {
    minor * 10_i64.pow(to.saturating_sub(from))
}

/// Splits `total` into `parts` integer shares that differ by at most one unit and sum to
/// `total`; the first `total % parts` shares carry the extra unit.
pub fn split_even(total: i64, parts: usize) -> Vec<i64> {
    if parts == 0 {
        return Vec::new();
    }
    let n = parts as i64;
    let (base, extra) = (total / n, total % n);
    (0..n).map(|i| base + i64::from(i < extra)).collect()
}

/// `total / parts` rounded half up, for informational per-person or per-day figures.
pub fn divide_rounded(total: i64, parts: i64) -> i64 {
    if parts <= 0 { total } else { (2 * total + parts) / (2 * parts) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_within_the_currency_precision() {
        let rows: &[(&str, u32, Option<i64>)] = &[
            ("12.50", 2, Some(1250)),
            ("12.5", 2, Some(1250)),
            ("12", 2, Some(1200)),
            ("0", 2, Some(0)),
            (" 7.05 ", 2, Some(705)),
            ("1200", 0, Some(1200)),
            ("12.5", 0, None),
            ("1.234", 2, None),
            ("1.234", 3, Some(1234)),
            ("-1", 2, None),
            ("1.", 2, None),
            (".5", 2, None),
            ("1e3", 2, None),
            ("12,50", 2, None),
            ("", 2, None),
            ("1234567890123", 2, None),
        ];
        for &(input, decimals, expected) in rows {
            assert_eq!(parse_amount("p", input, decimals).ok(), expected, "{input} at {decimals}");
        }
    }

    #[test]
    fn formats_and_rescales() {
        assert_eq!(format_amount(1250, 2), "12.50");
        assert_eq!(format_amount(5, 2), "0.05");
        assert_eq!(format_amount(-333, 2), "-3.33");
        assert_eq!(format_amount(1200, 0), "1200");
        assert_eq!(format_amount(1, 3), "0.001");
        assert_eq!(rescale(1200, 0, 2), 120_000);
        assert_eq!(decimals("jpy"), 0);
        assert_eq!(decimals("EUR"), 2);
        assert_eq!(decimals("KWD"), 3);
    }

    #[test]
    fn even_splits_sum_to_the_total() {
        assert_eq!(split_even(1000, 3), [334, 333, 333]);
        assert_eq!(split_even(1, 3), [1, 0, 0]);
        assert_eq!(split_even(900, 3), [300, 300, 300]);
        assert_eq!(split_even(5, 1), [5]);
        assert!(split_even(5, 0).is_empty());
        assert_eq!(divide_rounded(1000, 3), 333);
        assert_eq!(divide_rounded(1001, 2), 501);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            #[test]
            fn amounts_round_trip_through_text(whole in 0_i64..1_000_000_000, frac in 0_i64..1000, decimals in 0_u32..=3) {
                let minor = whole * 10_i64.pow(decimals) + frac % 10_i64.pow(decimals);
                let text = format_amount(minor, decimals);
                prop_assert_eq!(parse_amount("amount", &text, decimals).unwrap(), minor);
            }

            #[test]
            fn even_split_sums_and_is_fair(total in -1_000_000_i64..1_000_000_000, parts in 1_usize..50) {
                let shares = split_even(total.max(0), parts);
                prop_assert_eq!(shares.len(), parts);
                prop_assert_eq!(shares.iter().sum::<i64>(), total.max(0));
                prop_assert!(shares.windows(2).all(|w| w[0] >= w[1] && w[0] - w[1] <= 1));
            }

            #[test]
            fn anything_that_is_not_a_plain_decimal_is_refused(text in "\\PC{0,12}") {
                let plain = !text.trim().is_empty()
                    && text.trim().split_once('.').is_none_or(|(w, f)| !w.is_empty() && !f.is_empty())
                    && text.trim().chars().filter(|&c| c == '.').count() <= 1
                    && text.trim().chars().all(|c| c.is_ascii_digit() || c == '.');
                if !plain {
                    prop_assert!(parse_amount("amount", &text, 2).is_err());
                }
            }
        }
    }
}
