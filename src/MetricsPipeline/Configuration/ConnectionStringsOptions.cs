namespace MetricsPipeline.Configuration;

/// <summary>The "ConnectionStrings" section. Only the warehouse's is read; sources carry their own in Pipeline:Sources.</summary>
public sealed class ConnectionStringsOptions
{
    public const string SectionName = "ConnectionStrings";

    /// <summary>Npgsql connection string of the warehouse (or the systemd credential "warehouse").</summary>
    public string? Warehouse { get; set; }
}
