namespace MetricsPipeline.Reporting;

/// <summary>The statements of <see cref="IndicatorReport"/>.</summary>
internal static class ReportSql
{
    public const string RootUnit = """
        SELECT code FROM ref.units WHERE parent_code IS NULL AND active
        ORDER BY array_position(ARRAY['province', 'city', 'county', 'township', 'village'], level), code LIMIT 1
        """;

    public const string Trend = """
        SELECT category AS Category, period_start AS PeriodStart, value AS Value, base_value AS BaseValue,
               reduction AS Reduction, target_reduction AS TargetReduction, target_source AS TargetSource, status AS Status,
               target_met AS TargetMet, target_base_period AS TargetBasePeriod,
               status_label_zh AS StatusLabelZh, status_label_en AS StatusLabelEn
        FROM marts.indicators
        WHERE unit_code = @unit AND measure = 'count' AND period_kind = @kind
          AND period_start BETWEEN @from AND @to
        ORDER BY category, period_start
        """;

    public const string Categories = """
        SELECT category AS Category, label_zh AS LabelZh, label_en AS LabelEn FROM ref.categories ORDER BY category
        """;

    /// <summary>The unit's children (one level down, as README promises), whatever their level is called.</summary>
    public const string Ranking = """
        SELECT b.unit_code AS UnitCode, b.unit_name AS UnitName, b.unit_level AS UnitLevel, b.hours AS Hours,
               b.subtree_headcount AS SubtreeHeadcount, b.hours_per_fte AS HoursPerFte,
               b.share_of_working_time AS ShareOfWorkingTime, b.burden_index AS BurdenIndex, b.status AS Status,
               b.status_label_zh AS StatusLabelZh, b.status_label_en AS StatusLabelEn
        FROM marts.burden_hours_by_unit b
        JOIN ref.units child ON child.code = b.unit_code AND child.parent_code = @unit
        WHERE b.period_kind = @kind AND b.period_start = @start
        ORDER BY b.hours_per_fte DESC NULLS LAST, b.unit_code
        """;

    private const string SignalsOfPeriod = """
        FROM marts.signals_with_evidence s
        JOIN marts.unit_tree t ON t.descendant_code = s.unit_code AND t.ancestor_code = @unit
        WHERE s.period_start <= @end AND s.period_end >= @start
        """;

    /// <summary>
    /// The page lists the signals that stand on their own in the unit's subtree; a signal grouped under its
    /// parent unit's (grouped_under) is counted under that parent instead. A child's parent unit is in the
    /// subtree unless the child is the report's unit itself: its signal stays listed, since the parent's is not
    /// on this page.
    /// </summary>
    private const string TopLevel = "\n  AND (s.grouped_under IS NULL OR s.unit_code = @unit)";

    /// <summary>The signal type's labels and the Chinese summary come from the warehouse (ref.signal_types, V47).</summary>
    public const string TopSignals = """
        SELECT s.signal AS Signal, s.unit_code AS UnitCode, s.unit_name AS UnitName, s.period_start AS PeriodStart,
               s.started_on AS StartedOn, s.score AS Score, s.summary AS Summary, s.evidence AS Evidence,
               s.signal_label_zh AS SignalLabelZh, s.signal_label_en AS SignalLabelEn, s.summary_zh AS SummaryZh,
               s.grouped_children AS GroupedChildren
        """ + "\n" + SignalsOfPeriod + TopLevel + """

        ORDER BY s.score DESC NULLS LAST, s.unit_code, s.signal
        LIMIT @top
        """;

    /// <summary>The signals of the page: those it lists or counts as the rest.</summary>
    public const string SignalCount = "SELECT count(*)::int\n" + SignalsOfPeriod + TopLevel;

    /// <summary>The signals left out because they only repeat their parent unit's signal, which is on the page.</summary>
    public const string GroupedSignalCount = "SELECT count(*)::int\n" + SignalsOfPeriod + "\n  AND s.grouped_under IS NOT NULL AND s.unit_code <> @unit";
}
