-- Where did a disguised-burden signal fire in the last ended quarter, and on what evidence?
-- One row per unit and signal that stands on its own, lowest levels first (where the burden is felt),
-- strongest first (score = -log10 p, the same scale for every signal). grouped_children counts the signals
-- of units below that only repeat it: list them with
--   SELECT * FROM marts.signals_with_evidence WHERE grouped_under = <signal_id>;
SELECT s.signal_id,
       s.unit_code,
       s.unit_name,
       s.unit_level,
       s.signal,
       s.scope,
       s.period_start,
       s.started_on,
       round(s.score, 2)   AS score,
       s.grouped_children,
       s.summary,
       s.evidence
FROM marts.signals_this_quarter s
ORDER BY array_position(ARRAY['village', 'township', 'county', 'city'], s.unit_level), s.score DESC, s.unit_code, s.signal;
