-- Berth index per lot per hour: the mean occupancy (percent) of the 15-minute snapshots in the hour,
-- with the lot's standard address codes so it can be rolled up by street and community.
SELECT
    o.lot_id,
    date_trunc('hour', o.observed_at) AS hour_start,
    l.street_code,
    l.community_code,
    count(*) AS samples,
    max(o.capacity) AS capacity,
    round(avg(o.occupied), 2) AS avg_occupied,
    max(o.occupied) AS peak_occupied,
    round(avg(o.capacity - o.occupied), 2) AS avg_spare,
    round(100 * avg(CAST(o.occupied AS DOUBLE) / o.capacity), 2) AS berth_index
FROM parking_berth_occupancy AS o
LEFT JOIN parking_lot AS l ON l.lot_id = o.lot_id
GROUP BY o.lot_id, date_trunc('hour', o.observed_at), l.street_code, l.community_code
