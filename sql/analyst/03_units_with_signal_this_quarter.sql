-- Where did a disguised-burden signal fire in the last ended quarter, and on what evidence?
-- One row per unit and signal, lowest levels first (where the burden is felt), strongest first.
SELECT s.unit_code,
       s.unit_name,
       s.unit_level,
       s.signal,
       s.period_start,
       s.started_on,
       round(s.score, 2)   AS score,
       s.summary,
       s.evidence
FROM marts.signals_this_quarter s
ORDER BY array_position(ARRAY['village', 'township', 'county', 'city'], s.unit_level), s.score DESC, s.unit_code, s.signal;
