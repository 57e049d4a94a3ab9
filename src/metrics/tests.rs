//! Tests of the metrics stage, with figures worked out by hand.

use super::*;

mod statuses {
    use super::*;

    fn action(extra: &str) -> Action {
        toml::from_str(&format!("title = \"t\"\nowner = \"o\"\nraised = 2025-01-10\ndue = 2025-03-31\n{extra}"))
            .unwrap()
    }
    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn action_statuses_follow_the_first_match() {
        let a = action("closed = 2025-04-02\n");
        assert_eq!(action_status(&a, d("2025-01-09")), ActionStatus::NotYetRaised);
        assert_eq!(action_status(&a, d("2025-03-31")), ActionStatus::Open);
        assert_eq!(action_status(&a, d("2025-04-01")), ActionStatus::Overdue);
        assert_eq!(action_status(&a, d("2025-04-02")), ActionStatus::Closed);
        assert_eq!(closed_on_time(&a), Some(false));
        let c = action("cancelled = 2025-02-01\ncancel_reason = \"x\"\n");
        assert_eq!(action_status(&c, d("2025-02-01")), ActionStatus::Cancelled);
    }

    #[test]
    fn replans_by_date_not_file_order() {
        let a = action(
            "[[updates]]\ndate = 2025-05-01\nnote = \"b\"\ndue = 2025-09-30\n\
             [[updates]]\ndate = 2025-03-01\nnote = \"a\"\ndue = 2025-06-30\n\
             [[updates]]\ndate = 2025-05-01\nnote = \"c\"\n",
        );
        assert_eq!(due_as_of(&a, d("2025-02-28")), d("2025-03-31"));
        assert_eq!(due_as_of(&a, d("2025-03-01")), d("2025-06-30"));
        assert_eq!(due_as_of(&a, d("2025-05-01")), d("2025-09-30"));
        assert_eq!(action_status(&a, d("2025-07-01")), ActionStatus::Open);
        assert_eq!(action_status(&a, d("2025-10-01")), ActionStatus::Overdue);
    }

    #[test]
    fn attainment_is_inclusive() {
        let o: Objective = toml::from_str(
            "title = \"t\"\ntarget = 95\namber = 90\ndirection = \"higher_better\"\n\
             [[measurements]]\ndate = 2025-01-01\nvalue = 95\n[[measurements]]\ndate = 2025-02-01\nvalue = 90\n\
             [[measurements]]\ndate = 2025-03-01\nvalue = 89.9\n",
        )
        .unwrap();
        assert_eq!(attainment(&o, d("2024-12-31")), Attainment::None);
        assert_eq!(attainment(&o, d("2025-01-15")), Attainment::Met);
        assert_eq!(attainment(&o, d("2025-02-01")), Attainment::Amber);
        assert_eq!(attainment(&o, d("2025-03-01")), Attainment::Missed);
    }
}

/// Hand-computed figures for a small fixture (every number below was worked out on paper
/// from the records in `fixture()`; see the comments).
mod series {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn action(body: &str) -> Action {
        toml::from_str(&format!("title = \"t\"\nowner = \"o\"\n{body}")).unwrap()
    }

    fn nc(body: &str) -> Nonconformity {
        toml::from_str(&format!("title = \"t\"\nsource = \"self\"\n{body}")).unwrap()
    }

    fn actions() -> Vec<Action> {
        vec![
            // A1: closed late (due 03-31, closed 04-02), 82 days.
            action("raised = 2025-01-10\ndue = 2025-03-31\nclosed = 2025-04-02"),
            // A2: closed on its due date, which is R2's date: in P2, on time, 149 days.
            action("raised = 2025-02-01\ndue = 2025-06-30\nclosed = 2025-06-30"),
            // A3: re-planned twice, updates out of date order; closed 10-01, late against 04-30.
            action(
                "raised = 2025-03-01\ndue = 2025-04-30\nclosed = 2025-10-01\n\
                 [[updates]]\ndate = 2025-06-01\nnote = \"b\"\ndue = 2025-09-30\n\
                 [[updates]]\ndate = 2025-04-15\nnote = \"a\"\ndue = 2025-05-31",
            ),
            // A4: cancelled 06-10 (in P2, before R3's period_start).
            action("raised = 2025-05-01\ndue = 2025-05-31\ncancelled = 2025-06-10\ncancel_reason = \"x\""),
            // A5: raised on R2's date (so in P2, not P3... P3 starts 06-15 inclusive: in P3 too).
            action("raised = 2025-06-30\ndue = 2025-12-31"),
            // A6: raised on R1's date (in P1), closed late 03-15, 43 days.
            action("raised = 2025-01-31\ndue = 2025-02-28\nclosed = 2025-03-15"),
        ]
    }

    fn ncs() -> Vec<Nonconformity> {
        vec![
            nc(
                "raised = 2025-01-05\nseverity = \"major\"\nclosed = 2025-03-01\nverified = 2025-04-01\neffective = false",
            ),
            nc("raised = 2025-02-10\nseverity = \"minor\"\nclosed = 2025-06-30"),
            nc("raised = 2025-03-03\nseverity = \"observation\""),
            nc("raised = 2025-06-20\nseverity = \"minor\""),
            nc("raised = 2025-07-01\nseverity = \"major\"\nclosed = 2025-08-01\nverified = 2025-09-01"),
        ]
    }

    fn reviews() -> Vec<ReviewFacts> {
        let r = |_id: &str, date: &str, planned, scheduled, ps: Option<&str>| ReviewFacts {
            date: d(date),
            planned,
            scheduled,
            period_start: ps.map(d),
            system: 0,
        };
        vec![
            r("R1", "2025-01-31", false, true, None),
            r("R2", "2025-06-30", false, true, None),
            r("E", "2025-09-10", false, false, None),
            r("R3", "2025-12-31", false, true, Some("2025-06-15")),
            r("P", "2026-03-31", true, true, None),
        ]
    }

    fn counts(v: &[(&str, u64)]) -> SeverityCounts {
        SeverityCounts(v.iter().map(|(k, n)| (k.to_string(), *n)).collect())
    }

    fn all() -> Vec<ReviewMetrics> {
        let (acts, ncs) = (actions(), ncs());
        let sev: Vec<String> = ["major", "minor", "observation"].map(String::from).to_vec();
        let kpi: Vec<String> = ["major", "minor"].map(String::from).to_vec();
        let recs = Records {
            actions: acts.iter().collect(),
            nonconformities: ncs.iter().collect(),
            severities: &sev,
            kpi_severities: &kpi,
        };
        periods(&reviews(), d("2026-01-15")).iter().map(|p| review_metrics(&recs, &p.period, p.as_of)).collect()
    }

    #[test]
    fn periods_follow_the_series() {
        let p = periods(&reviews(), d("2026-01-15"));
        assert_eq!(p[0].period, Period { start: None, after: None, end: d("2025-01-31") });
        assert_eq!(p[1].period, Period { start: None, after: Some(d("2025-01-31")), end: d("2025-06-30") });
        assert!(!p[2].in_series);
        assert_eq!(p[2].period, Period { start: None, after: Some(d("2025-06-30")), end: d("2025-09-10") });
        assert_eq!(p[3].period, Period { start: Some(d("2025-06-15")), after: None, end: d("2025-12-31") });
        // Planned review after the as-of date: figures as of A, since the last series review.
        assert_eq!(p[4].as_of, d("2026-01-15"));
        assert_eq!(p[4].period, Period { start: None, after: Some(d("2025-12-31")), end: d("2026-01-15") });
    }

    #[test]
    fn first_review_covers_everything_before_it() {
        let m = &all()[0];
        assert_eq!(m.nc_raised, counts(&[("major", 1), ("minor", 0), ("observation", 0)]));
        assert_eq!((m.nc_closed, m.nc_open.total()), (0, 1));
        assert_eq!(m.nc_open_mean_age_days, Some(26.0));
        assert_eq!((m.actions_raised, m.actions_closed, m.actions_cancelled), (2, 0, 0));
        assert_eq!((m.actions_open, m.actions_overdue), (2, 0));
        assert_eq!((m.on_time_closure_rate, m.median_days_to_close), (None, None));
    }

    #[test]
    fn facts_on_the_review_date_belong_to_its_period() {
        let m = &all()[1];
        assert_eq!(m.nc_raised, counts(&[("major", 0), ("minor", 2), ("observation", 1)]));
        assert_eq!(m.nc_closed, 2);
        // N1 is ineffective (counts as open), N2 closed on the review date, N3 and N4 open.
        assert_eq!(m.nc_open, counts(&[("major", 1), ("minor", 1), ("observation", 1)]));
        assert_eq!(m.nc_open_mean_age_days, Some(93.0)); // (176 + 10) / 2
        assert_eq!((m.actions_raised, m.actions_closed, m.actions_cancelled), (4, 3, 1));
        assert_eq!((m.actions_open, m.actions_overdue), (2, 0)); // A3 re-planned to 09-30 by then
        assert_eq!(m.on_time_closure_rate, Some(1.0 / 3.0));
        assert_eq!(m.median_days_to_close, Some(82.0)); // 43, 82, 149
    }

    #[test]
    fn extraordinary_review_covers_since_the_last_series_review() {
        let m = &all()[2];
        assert_eq!(m.nc_raised, counts(&[("major", 1), ("minor", 0), ("observation", 0)]));
        assert_eq!(m.nc_closed, 1);
        assert_eq!(m.nc_open_mean_age_days, Some(165.0)); // (248 + 82) / 2
        assert_eq!((m.actions_raised, m.actions_closed, m.actions_open, m.actions_overdue), (0, 0, 2, 0));
    }

    #[test]
    fn period_start_overrides_the_previous_date() {
        let m = &all()[3];
        assert_eq!(m.nc_raised, counts(&[("major", 1), ("minor", 1), ("observation", 0)]));
        assert_eq!(m.nc_closed, 2); // N2 closed 06-30 falls in [06-15, 12-31] too
        assert_eq!(m.nc_open_mean_age_days, Some(277.0)); // (360 + 194) / 2
        // A2 (closed 06-30, on time) and A3 (10-01, late) both fall in [06-15, 12-31].
        assert_eq!((m.actions_raised, m.actions_closed, m.actions_cancelled), (1, 2, 0));
        assert_eq!(m.on_time_closure_rate, Some(0.5));
        assert_eq!(m.median_days_to_close, Some(181.5)); // even count: (149 + 214) / 2
        assert_eq!((m.actions_open, m.actions_overdue), (1, 0)); // due 12-31 is not yet overdue on 12-31
    }

    #[test]
    fn planned_review_shows_figures_as_of_a() {
        let m = &all()[4];
        assert_eq!((m.actions_raised, m.actions_closed, m.actions_open, m.actions_overdue), (0, 0, 1, 1));
    }

    #[test]
    fn carry_over_counts_series_reviews_while_open() {
        let acts = actions();
        let dates = [d("2025-01-31"), d("2025-06-30"), d("2025-12-31")];
        assert_eq!(carry_over(&acts[2], &dates, d("2026-01-15")), 1); // open at R2, closed by R3
        assert_eq!(carry_over(&acts[4], &dates, d("2026-01-15")), 1); // raised on R2's date: not counted there
        assert_eq!(carry_over(&acts[0], &dates, d("2026-01-15")), 1); // open at R1
        assert_eq!(carry_over(&acts[0], &dates, d("2025-01-30")), 0);
    }

    #[test]
    fn rounding_and_medians() {
        assert_eq!(mean_half_up_1dp(1, 4), 0.3); // 0.25 rounds up
        assert_eq!(mean_half_up_1dp(1, 20), 0.1); // 0.05
        assert_eq!(mean_half_up_1dp(2, 3), 0.7);
        assert_eq!(mean_half_up_1dp(1, 3), 0.3);
        assert_eq!(median(&mut [5, 1, 4, 2]), Some(3.0));
        assert_eq!(median(&mut [3, 1]), Some(2.0));
        assert_eq!(median(&mut [1, 2]), Some(1.5));
        assert_eq!(median(&mut []), None);
    }
}
