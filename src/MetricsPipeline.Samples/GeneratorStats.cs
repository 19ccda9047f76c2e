namespace MetricsPipeline.Samples;

/// <summary>What one generator emitted, for the summary line: totals and the rows meant for quarantine.</summary>
public sealed class GeneratorStats(string table)
{
    public string Table { get; } = table;
    public long Rows { get; set; }
    public long UnknownUnit { get; set; }
    public long NullUnit { get; set; }
    public long Future { get; set; }
    public long Unmapped { get; set; }
    public long SoftDeleted { get; set; }

    public override string ToString()
    {
        var notes = new List<string> { $"{UnknownUnit} {UnitPicker.UnknownUnit}", $"{NullUnit} NULL unit", $"{Future} future" };
        if (Unmapped > 0) notes.Add($"{Unmapped} unmapped code");
        if (SoftDeleted > 0) notes.Add($"{SoftDeleted} soft-deleted");
        return $"{Table,-14} {Rows,8:N0} rows ({string.Join(", ", notes)})";
    }
}
