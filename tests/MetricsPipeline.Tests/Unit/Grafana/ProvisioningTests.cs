using System.Text.Json;
using MetricsPipeline.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace MetricsPipeline.Tests.Unit.Grafana;

/// <summary>
/// The provisioning files carry what Grafana's provisioning documentation requires (datasources: apiVersion,
/// name, type, access, url ...; dashboards: apiVersion, providers with name, type file and options.path), and
/// the dashboards refer to the provisioned data source by its fixed uid, so they load by provisioning and by
/// import without a ${DS_...} input that file provisioning cannot resolve.
/// </summary>
public sealed class ProvisioningTests
{
    private static YamlMappingNode Load(string relative)
    {
        var path = GrafanaFiles.Provisioning(relative);
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
            stream.Load(reader);
        Assert.True(stream.Documents.Count == 1, $"{relative}: expected one YAML document, found {stream.Documents.Count}");
        return Assert.IsType<YamlMappingNode>(stream.Documents[0].RootNode);
    }

    private static string Scalar(YamlMappingNode node, string key, string where)
    {
        Assert.True(node.Children.TryGetValue(new YamlScalarNode(key), out var value), $"{where}: '{key}' is missing");
        var text = Assert.IsType<YamlScalarNode>(value).Value;
        Assert.False(string.IsNullOrWhiteSpace(text), $"{where}: '{key}' is empty");
        return text!;
    }

    private static YamlMappingNode Mapping(YamlMappingNode node, string key, string where)
    {
        Assert.True(node.Children.TryGetValue(new YamlScalarNode(key), out var value), $"{where}: '{key}' is missing");
        return Assert.IsType<YamlMappingNode>(value);
    }

    private static List<YamlMappingNode> List(YamlMappingNode node, string key, string where)
    {
        Assert.True(node.Children.TryGetValue(new YamlScalarNode(key), out var value), $"{where}: '{key}' is missing");
        var items = Assert.IsType<YamlSequenceNode>(value).Children.Select(c => Assert.IsType<YamlMappingNode>(c)).ToList();
        Assert.NotEmpty(items);
        return items;
    }

    private static YamlMappingNode TheDataSource()
    {
        var root = Load("datasources/warehouse.yaml");
        Assert.Equal("1", Scalar(root, "apiVersion", "warehouse.yaml"));
        return Assert.Single(List(root, "datasources", "warehouse.yaml"));
    }

    [Fact]
    public void DataSource_IsThePostgreSqlWarehouseWithAFixedUidAndThePasswordFromTheEnvironment()
    {
        var ds = TheDataSource();
        const string where = "warehouse.yaml datasources[0]";
        Scalar(ds, "name", where);
        Assert.Contains(Scalar(ds, "type", where), new[] { "grafana-postgresql-datasource", "postgres" });
        Assert.Equal("metrics-warehouse", Scalar(ds, "uid", where));
        Assert.Equal("proxy", Scalar(ds, "access", where));
        Assert.Matches(@"^\$\{?[A-Z_]+\}?$|^[\w.-]+:\d+$", Scalar(ds, "url", where));
        // A login role in metrics_dashboard (that group role itself is NOLOGIN).
        Assert.Equal("grafana", Scalar(ds, "user", where));
        var json = Mapping(ds, "jsonData", where);
        Scalar(json, "database", where + ".jsonData");
        Assert.Contains(Scalar(json, "sslmode", where + ".jsonData"), new[] { "disable", "require", "verify-ca", "verify-full" });
        // The password comes from Grafana's environment, never from the file.
        Assert.Matches(@"^\$\{?[A-Z_]+\}?$", Scalar(Mapping(ds, "secureJsonData", where), "password", where + ".secureJsonData"));
        Assert.False(ds.Children.ContainsKey(new YamlScalarNode("password")), $"{where}: a plain 'password' is stored unencrypted; use secureJsonData");
    }

    [Fact]
    public void DashboardProvider_IsAFileProviderWithAPath()
    {
        var root = Load("dashboards/metrics-pipeline.yaml");
        Assert.Equal("1", Scalar(root, "apiVersion", "metrics-pipeline.yaml"));
        var provider = Assert.Single(List(root, "providers", "metrics-pipeline.yaml"));
        const string where = "metrics-pipeline.yaml providers[0]";
        Scalar(provider, "name", where);
        Assert.Equal("file", Scalar(provider, "type", where));
        Assert.StartsWith("/", Scalar(Mapping(provider, "options", where), "path", where + ".options"));
    }

    public static TheoryData<string> Dashboards() => [.. GrafanaFiles.DashboardFiles()];

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void EveryDataSourceReference_IsTheProvisionedUid_AndNoImportInputRemains(string file)
    {
        var ds = TheDataSource();
        var (type, uid) = (Scalar(ds, "type", "datasource"), Scalar(ds, "uid", "datasource"));
        var text = File.ReadAllText(Path.Combine(GrafanaFiles.Folder, file));
        Assert.DoesNotContain("${DS_", text, StringComparison.Ordinal);
        using var dashboard = GrafanaFiles.Dashboard(file);
        Assert.False(dashboard.RootElement.TryGetProperty("__inputs", out _), $"{file}: __inputs makes import ask for a data source the panels do not use");
        var references = GrafanaFiles.DataSourceReferences(dashboard.RootElement).ToList();
        Assert.True(references.Count >= 10, $"{file}: only {references.Count} data-source references");
        var wrong = references
            .Where(r => r.DataSource.ValueKind != JsonValueKind.Object
                        || r.DataSource.GetProperty("uid").GetString() != uid
                        || r.DataSource.GetProperty("type").GetString() != type)
            .Select(r => $"{r.Path} = {r.DataSource.GetRawText()}")
            .ToList();
        Assert.True(wrong.Count == 0, $"{file}: data sources other than {{type {type}, uid {uid}}}:\n" + string.Join("\n", wrong));
        // Every panel and every target names it (a panel without one would use the default data source).
        foreach (var panel in GrafanaFiles.Panels(dashboard.RootElement))
        {
            Assert.True(panel.TryGetProperty("datasource", out _), $"{file}: panel '{panel.GetProperty("title")}' has no datasource");
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
                Assert.True(target.TryGetProperty("datasource", out _), $"{file}: a target of '{panel.GetProperty("title")}' has no datasource");
        }
    }

    /// <summary>Users read Chinese first: the dashboard, each panel, each variable and each link is titled in Chinese (the English may follow).</summary>
    [Theory]
    [MemberData(nameof(Dashboards))]
    public void TitlesPanelsVariablesAndLinks_AreChineseFirst(string file)
    {
        using var dashboard = GrafanaFiles.Dashboard(file);
        var root = dashboard.RootElement;
        // The first letter is a Chinese character (after the product name the dashboards' titles start with).
        static bool StartsChinese(string? text) =>
            (text ?? "").Replace("MetricsPipeline:", "", StringComparison.Ordinal).FirstOrDefault(char.IsLetter) is >= '\u4e00' and <= '\u9fff';
        var titled = new List<(string What, string? Text)> { ("dashboard title", root.GetProperty("title").GetString()) };
        titled.AddRange(GrafanaFiles.Panels(root).Select(p => ($"panel {p.GetProperty("id")}", p.GetProperty("title").GetString())));
        titled.AddRange(root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => ($"variable ${v.GetProperty("name")}", v.GetProperty("label").GetString())));
        titled.AddRange(root.GetProperty("links").EnumerateArray().Select(l => ($"link {l.GetProperty("url")}", l.GetProperty("title").GetString())));
        var english = titled.Where(t => !StartsChinese(t.Text)).ToList();
        Assert.True(english.Count == 0, $"{file}: not Chinese first:\n" + string.Join("\n", english.Select(t => $"{t.What}: {t.Text}")));
    }

    [Fact]
    public void DashboardUids_AreUnique_AndEveryLinkPointsAtOneOfThemCarryingTheVariables()
    {
        var dashboards = GrafanaFiles.DashboardFiles().Select(f => (File: f, Json: GrafanaFiles.Dashboard(f))).ToList();
        var uids = dashboards.Select(d => d.Json.RootElement.GetProperty("uid").GetString()!).ToList();
        Assert.Equal(uids.Count, uids.Distinct().Count());
        Assert.All(uids, uid => Assert.Matches("^[A-Za-z0-9_-]{1,40}$", uid));
        foreach (var (file, json) in dashboards)
        {
            var self = json.RootElement.GetProperty("uid").GetString();
            var links = json.RootElement.GetProperty("links").EnumerateArray().ToList();
            Assert.True(links.Count > 0, $"{file}: no dashboard links");
            foreach (var link in links)
            {
                Assert.Equal("link", link.GetProperty("type").GetString());
                var url = link.GetProperty("url").GetString()!;
                Assert.StartsWith("/d/", url);
                var target = url["/d/".Length..].Split('/', '?')[0];
                Assert.Contains(target, uids);
                Assert.NotEqual(self, target);
                Assert.True(link.GetProperty("includeVars").GetBoolean(), $"{file}: the link to {target} does not carry the variables (unit)");
            }
            json.Dispose();
        }
    }
}
