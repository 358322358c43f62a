-- Community operation index (0-100) from grid-event handling, IoT faults and resident participation:
--   40 x closure rate + 20 x (1 - overdue rate)                       (events)
-- + 20 x (1 - min(1, elevator faults / 10)) + 10 x (1 - min(1, water alarms / 20))   (IoT)
-- + 10 x min(1, volunteers / 20)                                     (self-governance)
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
communities AS (
    SELECT street_code, community_code FROM ev
    UNION SELECT street_code, community_code FROM lift
    UNION SELECT street_code, community_code FROM water
    UNION SELECT street_code, community_code FROM vol
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
        coalesce(vol.service_hours, 0) AS service_hours
    FROM communities AS c
    LEFT JOIN ev ON ev.community_code = c.community_code AND ev.street_code = c.street_code
    LEFT JOIN lift ON lift.community_code = c.community_code AND lift.street_code = c.street_code
    LEFT JOIN water ON water.community_code = c.community_code AND water.street_code = c.street_code
    LEFT JOIN vol ON vol.community_code = c.community_code AND vol.street_code = c.street_code
)
SELECT
    *,
    round(
        40 * closure_rate + 20 * (1 - overdue_rate)
        + 20 * (1 - least(1.0, elevator_faults / 10.0))
        + 10 * (1 - least(1.0, water_alarms / 20.0))
        + 10 * least(1.0, volunteers / 20.0),
        1) AS operation_index
FROM joined
