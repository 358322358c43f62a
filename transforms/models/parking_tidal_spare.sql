-- Day vs night spare berths near each community (tidal sharing): a lot is near a community when it
-- lies within 1 km of the centre of the community's addressed parking lots. Day is 08:00-18:00,
-- night is 20:00-07:00; spare = capacity - occupied averaged over the snapshots in the window.
-- A lot without snapshots in a window adds nothing to that window's sum and nothing to the
-- tidal surplus; a figure is NULL when no nearby lot was observed in its window.
WITH per_lot AS (
    SELECT
        lot_id,
        avg(CASE WHEN hour(observed_at) >= 8 AND hour(observed_at) < 18
                 THEN capacity - occupied END) AS day_spare,
        avg(CASE WHEN hour(observed_at) >= 20 OR hour(observed_at) < 7
                 THEN capacity - occupied END) AS night_spare
    FROM parking_berth_occupancy
    GROUP BY lot_id
),
lots AS (
    SELECT l.lot_id, l.lot_kind, l.community_code, l.lon, l.lat,
           p.day_spare, p.night_spare
    FROM parking_lot AS l
    JOIN per_lot AS p ON p.lot_id = l.lot_id
    WHERE l.lon IS NOT NULL AND l.lat IS NOT NULL
),
centres AS (
    SELECT street_code, community_code, avg(lon) AS lon, avg(lat) AS lat
    FROM parking_lot
    WHERE community_code IS NOT NULL AND lon IS NOT NULL AND lat IS NOT NULL
    GROUP BY street_code, community_code
),
near AS (
    SELECT c.street_code, c.community_code, x.lot_id, x.lot_kind, x.day_spare, x.night_spare,
           x.community_code = c.community_code AS inside
    FROM centres AS c
    JOIN lots AS x
      ON 2 * 6371000 * asin(sqrt(
             power(sin(radians(x.lat - c.lat) / 2), 2)
             + cos(radians(c.lat)) * cos(radians(x.lat)) * power(sin(radians(x.lon - c.lon) / 2), 2)
         )) <= 1000
)
SELECT
    street_code,
    community_code,
    count(*) AS lots_near,
    count(*) FILTER (WHERE inside) AS lots_inside,
    round(sum(day_spare), 1) AS day_spare_berths,
    round(sum(night_spare), 1) AS night_spare_berths,
    round(sum(night_spare - day_spare), 1) AS tidal_surplus,
    round(sum(CASE WHEN lot_kind = '单位停车场' THEN night_spare END), 1) AS unit_night_spare
FROM near
GROUP BY street_code, community_code
