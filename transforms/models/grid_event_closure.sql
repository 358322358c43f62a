-- Closed-loop statistics of grid events per community and per street. An event's deadline is the
-- platform's 处置时限 (deadline_at); only where the feed leaves it empty is it taken from the level
-- (1: 72 h, 2: 48 h, 3: 24 h, 4: 12 h after the report), and such events are counted in
-- level_deadlines. An event is escalated when the platform flags it or records an escalation time.
-- Open cases are measured against the newest report in the data (as_of), so the result depends on
-- the data, not the clock.
WITH bounds AS (
    SELECT max(reported_at) AS as_of FROM grid_event
),
e AS (
    SELECT
        g.street_code,
        g.community_code,
        g.closed_at IS NOT NULL AS is_closed,
        coalesce(g.escalated, false) OR g.escalated_at IS NOT NULL AS is_escalated,
        g.deadline_at IS NULL AS level_deadline,
        (epoch(g.dispatched_at) - epoch(g.reported_at)) / 60.0 AS minutes_to_dispatch,
        (epoch(g.closed_at) - epoch(g.reported_at)) / 3600.0 AS hours_to_close,
        (epoch(coalesce(g.closed_at, b.as_of)) - epoch(g.reported_at)) / 3600.0 AS hours_open,
        coalesce(
            (epoch(g.deadline_at) - epoch(g.reported_at)) / 3600.0,
            CASE g.level WHEN 1 THEN 72 WHEN 2 THEN 48 WHEN 3 THEN 24 ELSE 12 END
        ) AS deadline_hours,
        b.as_of
    FROM grid_event AS g
    CROSS JOIN bounds AS b
    WHERE g.street_code IS NOT NULL
)
SELECT
    CASE WHEN grouping(community_code) = 1 THEN 'street' ELSE 'community' END AS scope,
    street_code,
    community_code,
    count(*) AS events,
    count(*) FILTER (WHERE is_closed) AS closed,
    round(avg(CASE WHEN is_closed THEN 1.0 ELSE 0.0 END), 4) AS closure_rate,
    round(avg(minutes_to_dispatch), 1) AS avg_minutes_to_dispatch,
    round(avg(hours_to_close), 2) AS avg_hours_to_close,
    round(median(hours_to_close), 2) AS median_hours_to_close,
    count(*) FILTER (WHERE is_escalated) AS escalations,
    count(*) FILTER (WHERE hours_open > deadline_hours) AS overdue,
    round(avg(CASE WHEN hours_open > deadline_hours THEN 1.0 ELSE 0.0 END), 4) AS overdue_rate,
    count(*) FILTER (WHERE level_deadline) AS level_deadlines,
    max(as_of) AS as_of
FROM e
GROUP BY GROUPING SETS ((street_code, community_code), (street_code))
