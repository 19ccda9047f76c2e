namespace MetricsPipeline.Warehouse.Dictionary;

/// <summary>The readers a data dictionary describes: the warehouse's two read-only group roles (V26).</summary>
public static class DictionaryReaders
{
    public static readonly IReadOnlyList<string> Roles = ["metrics_analyst", "metrics_dashboard"];
}

/// <summary>What a catalog object is; <see cref="DictionaryObject.KindLabel"/> names it Chinese-first.</summary>
public enum ObjectKind { Table, View, MaterializedView, ForeignTable, Function }

/// <summary>One column of a relation, or one result column of a function (which PostgreSQL cannot comment).</summary>
public sealed record DictionaryColumn(string Name, string Type, string? Comment)
{
    /// <summary>The unit of measure the comment states, or null (<see cref="ColumnUnit"/>).</summary>
    public string? Unit => ColumnUnit.From(Name, Type, Comment);
}

/// <summary>A table, view or function that at least one reader role can read, with what it reads.</summary>
public sealed record DictionaryObject(
    string Schema, string Name, ObjectKind Kind, string? Arguments, string? Result, string? Comment,
    IReadOnlyList<string> Readers, IReadOnlyList<DictionaryColumn> Columns)
{
    public string QualifiedName => Schema + "." + Name;

    /// <summary>The name a reader calls it by: a function with its arguments.</summary>
    public string Signature => Kind == ObjectKind.Function ? $"{QualifiedName}({Arguments})" : QualifiedName;

    public string KindLabel => Kind switch
    {
        ObjectKind.Table => "表 table",
        ObjectKind.View => "视图 view",
        ObjectKind.MaterializedView => "物化视图 materialized view",
        ObjectKind.ForeignTable => "外部表 foreign table",
        _ => "函数 function",
    };

    /// <summary>The "Grain: ..." sentence of the comment (the convention of the warehouse's comments), or null.</summary>
    public string? Grain
    {
        get
        {
            if (Comment is null) return null;
            var at = Comment.IndexOf("Grain:", StringComparison.Ordinal);
            if (at < 0) return null;
            var rest = Comment[(at + "Grain:".Length)..].TrimStart();
            var end = SentenceEnd(rest);
            return end < 0 ? rest.Trim() : rest[..(end + 1)].Trim();
        }
    }

    // A full stop that ends the sentence: followed by a space and a capital, or the end (not "e.g." or "0.95").
    private static int SentenceEnd(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '.') continue;
            if (i == text.Length - 1) return i;
            if (text[i + 1] == ' ' && i + 2 < text.Length && char.IsUpper(text[i + 2])) return i;
        }
        return -1;
    }
}

/// <summary>An edge of the lineage: <see cref="Dependent"/> reads <see cref="Dependency"/>.</summary>
/// <param name="Dependent">Qualified name of the view or function.</param>
/// <param name="Dependency">Qualified name of what it reads (a relation or a function).</param>
/// <param name="FromBody">True when found by name in a function's body; false for a view's recorded dependency (pg_depend).</param>
public sealed record LineageEdge(string Dependent, string Dependency, bool FromBody);

/// <summary>The dictionary of one warehouse: what the readers can read, and what reads what.</summary>
public sealed record DataDictionary(string? SchemaVersion, IReadOnlyList<DictionaryObject> Objects, IReadOnlyList<LineageEdge> Lineage);
