//! Caller numbers at the ends of their types (issue #9, finding 3): a payment-index
//! scale with anchors near the limits of `i64` is refused with a clear error, where
//! the span between them overflowed (a panic in debug; in release a wrapped span
//! passed the 3,660-day check and the summary then tabulated every day between).

use encours_core::metrics::{IndexAnchor, PaymentIndexScale, ReportError};
use rust_decimal::Decimal;

fn anchor(days_beyond_terms: i64, score: i64) -> IndexAnchor {
    IndexAnchor {
        days_beyond_terms,
        score: Decimal::from(score),
    }
}

#[test]
fn anchors_at_the_limits_of_i64_are_refused() {
    for (first, last) in [
        (i64::MIN, i64::MAX),
        (i64::MIN, 0),
        (-1, i64::MAX),
        (i64::MIN, i64::MIN + 3661),
    ] {
        let err = PaymentIndexScale::new(vec![anchor(first, 100), anchor(last, 0)]).unwrap_err();
        assert!(
            matches!(err, ReportError::InvalidConfig { .. }),
            "{first}..{last}: {err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "invalid payment index anchors: days {first} to {last} (a span of at most 3660 days)"
            )
        );
    }
    // The same from JSON, as a configuration arrives.
    let json = format!(
        r#"{{"anchors": [{{"days_beyond_terms": {}, "score": "100"}}, {{"days_beyond_terms": {}, "score": "0"}}]}}"#,
        i64::MIN,
        i64::MAX
    );
    let err = serde_json::from_str::<PaymentIndexScale>(&json).unwrap_err();
    assert!(
        err.to_string().contains("a span of at most 3660 days"),
        "{err}"
    );
}

#[test]
fn a_scale_at_the_far_end_of_i64_still_scores() {
    // A legal span (3,660 days) placed at the very end of i64: scoring any day,
    // including the extremes, neither overflows nor panics.
    let far = i64::MAX - 3660;
    let s = PaymentIndexScale::new(vec![anchor(far, 100), anchor(i64::MAX, 0)]).unwrap();
    assert_eq!(s.score(i64::MIN), Decimal::from(100));
    assert_eq!(s.score(i64::MAX), Decimal::ZERO);
    assert_eq!(s.score(far + 1830), Decimal::from(50));
    let near = i64::MIN + 10;
    let s = PaymentIndexScale::new(vec![anchor(i64::MIN, 100), anchor(near, 0)]).unwrap();
    assert_eq!(s.score(i64::MIN + 5), Decimal::from(50));
    assert_eq!(s.score(i64::MAX), Decimal::ZERO);
}
