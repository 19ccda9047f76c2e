using System.Globalization;
using MetricsPipeline.Configuration;

namespace MetricsPipeline.Reporting;

/// <summary>What a reader should conclude from an indicator row, in words that say it.</summary>
public enum VerdictKind
{
    /// <summary>The reduction reaches the target.</summary>
    Met,
    /// <summary>The reduction falls short of the target.</summary>
    NotMet,
    /// <summary>A reduction is published, but no target applies.</summary>
    NoTarget,
    /// <summary>A target applies, set against another base period: the reduction cannot be held against it.</summary>
    OtherBase,
    /// <summary>No reduction is published; the status says why.</summary>
    NotComputable,
}

/// <summary>
/// The verdict of an indicator row: "ok" in the status only says a reduction was computed, so a page that
/// shows "ok" in green beside "reduction 29.8%; target 30%" reads as a target met when it was missed. The
/// verdict puts the comparison with the target into the word, and names the reason when there is no number.
/// </summary>
public sealed record Verdict(VerdictKind Kind, string Text)
{
    /// <param name="status">marts.indicators.status.</param>
    /// <param name="statusLabel">The status's label in the reader's language (ref.statuses), used as the reason.</param>
    /// <param name="targetReduction">The applicable target, if any.</param>
    /// <param name="targetMet">marts.indicators.target_met: NULL unless a reduction is published against a target set on the configured base.</param>
    /// <param name="targetBasePeriod">The target's base period, named when it differs from the configured base.</param>
    /// <param name="language">The reader's language.</param>
    public static Verdict Of(string status, string? statusLabel, decimal? targetReduction, bool? targetMet, string? targetBasePeriod,
        DisplayLanguage language)
    {
        if (status != "ok")
            return new(VerdictKind.NotComputable, language.Pick("无法计算:", "not computable: ") + (statusLabel ?? status));
        var target = targetReduction is { } t ? Percent(t) : "";
        return (targetReduction, targetMet) switch
        {
            (null, _) => new(VerdictKind.NoTarget, language.Pick("无目标", "no target")),
            (_, true) => new(VerdictKind.Met, language.Pick($"达标(目标 {target})", $"target met ({target})")),
            (_, false) => new(VerdictKind.NotMet, language.Pick($"未达标(目标 {target})", $"target not met ({target})")),
            (_, null) => new(VerdictKind.OtherBase, language.Pick(
                $"目标 {target} 以 {targetBasePeriod} 年为基期,无法对照",
                $"target {target} is set against {targetBasePeriod}: not comparable")),
        };
    }

    /// <summary>A CSS class per kind, so colour follows meaning: green only for a target met.</summary>
    public string CssClass => Kind switch
    {
        VerdictKind.Met => "verdict-met",
        VerdictKind.NotMet => "verdict-not-met",
        VerdictKind.NotComputable => "verdict-none",
        _ => "verdict-neutral",
    };

    private static string Percent(decimal fraction) =>
        (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
