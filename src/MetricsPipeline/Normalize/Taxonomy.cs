using MetricsPipeline.Configuration;

namespace MetricsPipeline.Normalize;

public enum MeasureKind { Flow, Stock }

public sealed record Category(string Name, string Family, MeasureKind Kind);

/// <summary>
/// The canonical burden categories of domain.md. Mirrors the seed in sql/migrations/V2__reference.sql
/// (a test keeps the two equal); configuration may add categories.
/// </summary>
public sealed class Taxonomy
{
    public static readonly IReadOnlyList<Category> BuiltIn =
    [
        new("document.formal", "document", MeasureKind.Flow),
        new("document.informal", "document", MeasureKind.Flow),
        new("meeting.offline", "meeting", MeasureKind.Flow),
        new("meeting.online", "meeting", MeasureKind.Flow),
        new("inspection.onsite", "inspection", MeasureKind.Flow),
        new("inspection.remote", "inspection", MeasureKind.Flow),
        new("data_request", "data_request", MeasureKind.Flow),
        new("report_form", "report_form", MeasureKind.Flow),
        new("check_in", "check_in", MeasureKind.Flow),
        new("digital_tool.app", "digital_tool", MeasureKind.Stock),
        new("digital_tool.work_group", "digital_tool", MeasureKind.Stock),
        new("task.issued", "task", MeasureKind.Flow),
        new("task.received", "task", MeasureKind.Flow),
    ];

    private readonly Dictionary<string, Category> _categories;

    public Taxonomy(IEnumerable<CategoryOptions> extra)
    {
        _categories = BuiltIn.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var e in extra)
        {
            var kind = string.Equals(e.Kind, "stock", StringComparison.OrdinalIgnoreCase) ? MeasureKind.Stock : MeasureKind.Flow;
            _categories[e.Name] = new Category(e.Name, FamilyOf(e.Name), kind);
        }
    }

    public IEnumerable<Category> All => _categories.Values;

    public bool Contains(string category) => _categories.ContainsKey(category);

    public static string FamilyOf(string category) => category.Split('.')[0];
}
