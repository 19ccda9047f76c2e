using System.Text.Json;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>The Grafana files of the repository: ops/grafana/*.json dashboards and ops/grafana/provisioning.</summary>
public static class GrafanaFiles
{
    public static readonly string Folder = Find();

    public static string Provisioning(string relative) => Path.Combine(Folder, "provisioning", relative);

    public static List<string> DashboardFiles() => Directory.GetFiles(Folder, "*.json").Select(f => Path.GetFileName(f)).Order().ToList();

    public static JsonDocument Dashboard(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, file)));

    /// <summary>Panels, including those folded inside collapsed rows.</summary>
    public static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            if (panel.TryGetProperty("targets", out _))
                yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
                foreach (var inner in nested.EnumerateArray().Where(p => p.TryGetProperty("targets", out _)))
                    yield return inner;
        }
    }

    /// <summary>Every "datasource" object anywhere in the dashboard (panels, targets, variables, annotations), with its JSON path.</summary>
    public static IEnumerable<(string Path, JsonElement DataSource)> DataSourceReferences(JsonElement element, string path = "$")
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                var childPath = $"{path}.{property.Name}";
                if (property.Name == "datasource")
                    yield return (childPath, property.Value);
                else
                    foreach (var found in DataSourceReferences(property.Value, childPath))
                        yield return found;
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
                foreach (var found in DataSourceReferences(item, $"{path}[{i++}]"))
                    yield return found;
        }
    }

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "ops", "grafana");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException($"no ops/grafana above {AppContext.BaseDirectory}");
    }
}
