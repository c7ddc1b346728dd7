//! The status of a KPI from its trajectory, after the growth-strategy KPI follow-up (A / B /
//! N): a straight line from the baseline through each interim target to the final target.
//!
//! **Rule.** With no value measured in the last 366 days before the reference day the KPI
//! has *no data*. Otherwise it is *on pace* when its latest value is at or past the
//! trajectory's value on the day it was measured (past meaning in the direction of the
//! target: up when the target is above the baseline, down when below), and *behind*
//! otherwise. Before the baseline day, and after the final target's day, the trajectory is
//! flat at the baseline and the final target.

/// Days since 1970-01-01 (the caller converts dates).
pub type Day = i64;

/// How long a measured value stays current.
pub const STALE_AFTER_DAYS: Day = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KpiStatus {
    /// A: at or past the trajectory.
    OnPace,
    /// B: short of the trajectory.
    Behind,
    /// N: nothing measured recently.
    NoData,
}

impl KpiStatus {
    pub fn code(self) -> &'static str {
        match self {
            KpiStatus::OnPace => "on_pace",
            KpiStatus::Behind => "behind",
            KpiStatus::NoData => "no_data",
        }
    }
}

/// A value on a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub day: Day,
    pub value: f64,
}

/// The trajectory's value on a day: piecewise linear through the baseline, the interim
/// targets (in day order) and the final target.
pub fn expected(baseline: Point, interim: &[Point], target: Point, day: Day) -> f64 {
    let mut points: Vec<Point> = Vec::with_capacity(interim.len() + 2);
    points.push(baseline);
    let mut mid: Vec<Point> = interim.to_vec();
    mid.sort_by_key(|p| p.day);
    points.extend(mid);
    points.push(target);
    if day <= points[0].day {
        return points[0].value;
    }
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        if day <= b.day {
            if b.day == a.day {
                return b.value;
            }
            let t = (day - a.day) as f64 / (b.day - a.day) as f64;
            return a.value + t * (b.value - a.value);
        }
    }
    target.value
}

/// The status on `today` (see the module's rule).
pub fn status(
    baseline: Point,
    interim: &[Point],
    target: Point,
    latest: Option<Point>,
    today: Day,
) -> KpiStatus {
    let Some(latest) = latest else {
        return KpiStatus::NoData;
    };
    if today - latest.day > STALE_AFTER_DAYS || latest.day > today {
        return KpiStatus::NoData;
    }
    let want = expected(baseline, interim, target, latest.day);
    let up = target.value >= baseline.value;
    let ok = if up {
        latest.value + 1e-9 >= want
    } else {
        latest.value - 1e-9 <= want
    };
    if ok {
        KpiStatus::OnPace
    } else {
        KpiStatus::Behind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(day: Day, value: f64) -> Point {
        Point { day, value }
    }

    #[test]
    fn half_way_in_time_needs_half_the_distance() {
        let (b, t) = (p(0, 10.0), p(100, 30.0));
        assert_eq!(status(b, &[], t, Some(p(50, 20.0)), 60), KpiStatus::OnPace);
        assert_eq!(status(b, &[], t, Some(p(50, 19.9)), 60), KpiStatus::Behind);
    }

    #[test]
    fn a_falling_target_is_on_pace_below_the_line() {
        let (b, t) = (p(0, 50.0), p(100, 10.0));
        assert_eq!(status(b, &[], t, Some(p(50, 29.0)), 50), KpiStatus::OnPace);
        assert_eq!(status(b, &[], t, Some(p(50, 31.0)), 50), KpiStatus::Behind);
    }

    #[test]
    fn interim_targets_bend_the_line() {
        let (b, t) = (p(0, 0.0), p(100, 100.0));
        // Interim: 10 by day 50 (a slow start), so 10 at day 50 is on pace.
        assert_eq!(expected(b, &[p(50, 10.0)], t, 50), 10.0);
        assert_eq!(
            status(b, &[p(50, 10.0)], t, Some(p(50, 10.0)), 50),
            KpiStatus::OnPace
        );
        assert_eq!(status(b, &[], t, Some(p(50, 10.0)), 50), KpiStatus::Behind);
    }

    #[test]
    fn no_recent_value_is_no_data() {
        let (b, t) = (p(0, 0.0), p(1000, 100.0));
        assert_eq!(status(b, &[], t, None, 10), KpiStatus::NoData);
        assert_eq!(
            status(b, &[], t, Some(p(10, 50.0)), 10 + STALE_AFTER_DAYS + 1),
            KpiStatus::NoData
        );
    }
}
