-- Which sources have holes, and which indicators do they hold back?
-- Each run of days a stream was expected but not pulled, with the command that fills it, and how many
-- published indicator periods of the stream's categories it currently withholds (insufficient_coverage).
SELECT g.source,
       g.stream,
       g.first_day,
       g.last_day,
       g.days,
       format('metrics-pipeline backfill --from %s --to %s --source %s', g.first_day, g.last_day, g.source) AS fill_with,
       (SELECT count(*)
        FROM marts.coverage_now c
        JOIN ref.streams s ON (s.source, s.stream) = (g.source, g.stream) AND c.category = ANY (s.categories)
        WHERE g.source || '/' || g.stream = ANY (c.missing_streams)
          AND c.period_start <= g.last_day AND c.period_end >= g.first_day
          AND c.coverage < (SELECT value::numeric FROM ref.indicator_settings WHERE key = 'coverage_threshold')
       ) AS periods_withheld
FROM marts.coverage_gaps g
ORDER BY g.first_day DESC, g.source, g.stream;
