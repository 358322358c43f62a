-- Community operation index (0-100) from grid-event handling, IoT faults, resident participation
-- and residents' own evaluations:
--   35 x closure rate + 15 x (1 - overdue rate)                                   (events)
-- + 15 x (1 - min(1, elevator faults / 10)) + 10 x (1 - min(1, water alarms / 20))  (IoT)
-- + 10 x min(1, volunteers / 20)                                                  (self-governance)
-- + 15 x (satisfaction - 1) / 4                                                   (residents)
-- where satisfaction is the mean 1-5 score shrunk toward the neutral 3 by 5 imaginary neutral
-- evaluations, (sum of scores + 5 x 3) / (evaluations + 5): a few votes move it little, none
-- leaves it at 3 (half of the term), so an unsurveyed community is neither rewarded nor punished.
-- A community with no events in the period scores full marks on the event terms.
WITH ev AS (
    SELECT street_code, community_code, events, closure_rate, overdue_rate
    FROM grid_event_closure
    WHERE scope = 'community' AND community_code IS NOT NULL
),
lift AS (
    SELECT street_code, community_code,
           count(*) AS elevator_faults,
           count(*) FILTER (WHERE fault_type = '困人') AS trapped,
           round(avg((epoch(recovered_at) - epoch(fault_at)) / 60.0), 1) AS avg_recovery_minutes
    FROM iot_elevator_fault
    WHERE community_code IS NOT NULL
    GROUP BY street_code, community_code
),
water AS (
    SELECT street_code, community_code,
           count(*) FILTER (WHERE water_level_cm >= 20) AS water_alarms
    FROM iot_water_level
    WHERE community_code IS NOT NULL
    GROUP BY street_code, community_code
),
vol AS (
    SELECT street_code, community_code,
           count(*) AS volunteers, round(sum(service_hours), 1) AS service_hours
    FROM timebank_volunteer
    WHERE community_code IS NOT NULL
    GROUP BY street_code, community_code
),
rate AS (
    SELECT street_code, community_code,
           count(*) AS evaluations,
           sum(score) AS score_sum,
           count(*) FILTER (WHERE score <= 2) AS dissatisfied
    FROM resident_evaluation
    WHERE community_code IS NOT NULL
    GROUP BY street_code, community_code
),
communities AS (
    SELECT street_code, community_code FROM ev
    UNION SELECT street_code, community_code FROM lift
    UNION SELECT street_code, community_code FROM water
    UNION SELECT street_code, community_code FROM vol
    UNION SELECT street_code, community_code FROM rate
),
joined AS (
    SELECT
        c.street_code,
        c.community_code,
        coalesce(ev.events, 0) AS events,
        coalesce(ev.closure_rate, 1.0) AS closure_rate,
        coalesce(ev.overdue_rate, 0.0) AS overdue_rate,
        coalesce(lift.elevator_faults, 0) AS elevator_faults,
        coalesce(lift.trapped, 0) AS trapped,
        lift.avg_recovery_minutes,
        coalesce(water.water_alarms, 0) AS water_alarms,
        coalesce(vol.volunteers, 0) AS volunteers,
        coalesce(vol.service_hours, 0) AS service_hours,
        coalesce(rate.evaluations, 0) AS evaluations,
        round(rate.score_sum / rate.evaluations, 2) AS avg_satisfaction,
        coalesce(rate.dissatisfied, 0) AS dissatisfied,
        (coalesce(rate.score_sum, 0) + 5 * 3.0) / (coalesce(rate.evaluations, 0) + 5) AS satisfaction
    FROM communities AS c
    LEFT JOIN ev ON ev.community_code = c.community_code AND ev.street_code = c.street_code
    LEFT JOIN lift ON lift.community_code = c.community_code AND lift.street_code = c.street_code
    LEFT JOIN water ON water.community_code = c.community_code AND water.street_code = c.street_code
    LEFT JOIN vol ON vol.community_code = c.community_code AND vol.street_code = c.street_code
    LEFT JOIN rate ON rate.community_code = c.community_code AND rate.street_code = c.street_code
)
SELECT
    street_code,
    community_code,
    events,
    closure_rate,
    overdue_rate,
    elevator_faults,
    trapped,
    avg_recovery_minutes,
    water_alarms,
    volunteers,
    service_hours,
    evaluations,
    avg_satisfaction,
    dissatisfied,
    round(satisfaction, 2) AS shrunk_satisfaction,
    round(
        35 * closure_rate + 15 * (1 - overdue_rate)
        + 15 * (1 - least(1.0, elevator_faults / 10.0))
        + 10 * (1 - least(1.0, water_alarms / 20.0))
        + 10 * least(1.0, volunteers / 20.0)
        + 15 * (satisfaction - 1) / 4,
        1) AS operation_index
FROM joined
