using System.Text.RegularExpressions;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse;

namespace MetricsPipeline.Tests.Unit.Warehouse;

/// <summary>
/// Versioned files rewritten after their release (sql/migrations/rewritten.txt): a file reports its released
/// checksum only while it holds exactly the rewritten text, and the manifest agrees with both texts.
/// </summary>
public sealed partial class RewrittenMigrationsTests
{
    private const string Released = "-- released\nCREATE TABLE t (a int);\nCREATE VIEW v AS SELECT a FROM t;\n";
    private const string Rewritten = "-- rewritten\nCREATE TABLE t (a int);\n";

    private static readonly RewrittenMigrations Manifest = RewrittenMigrations.Load(typeof(RewrittenMigrations).Assembly);

    private static string Checksum(string name, string text) => new TextMigrationScript(name, text).CalculateChecksum();

    private static RewrittenMigrations OneFile() => RewrittenMigrations.Parse(
        $"# comment\n\nV6__marts.sql  {Checksum("V6__marts.sql", Released)}  {Checksum("V6__marts.sql", Rewritten)}\n");

    [Fact]
    public void Wrap_RewrittenText_ReportsTheReleasedChecksum()
    {
        var script = OneFile().Wrap(new TextMigrationScript("V6__marts.sql", Rewritten));

        Assert.Equal(Checksum("V6__marts.sql", Released), script.CalculateChecksum());
        script.ValidateChecksum(Checksum("V6__marts.sql", Released));
        Assert.Equal(("V6__marts.sql", "6", Rewritten), (script.Name, script.Version?.Label, script.Content));
    }

    [Theory]
    [InlineData(Rewritten + "-- one more line\n")]
    [InlineData("-- rewritten\nCREATE TABLE t (a bigint);\n")]
    [InlineData(Released)]
    public void Wrap_AnyOtherText_ReportsItsOwnChecksum_SoAWarehouseRefusesIt(string text)
    {
        var script = OneFile().Wrap(new TextMigrationScript("V6__marts.sql", text));

        Assert.Equal(Checksum("V6__marts.sql", text), script.CalculateChecksum());
        if (text != Released)
            Assert.ThrowsAny<Exception>(() => script.ValidateChecksum(Checksum("V6__marts.sql", Released)));
    }

    [Fact]
    public void Wrap_UnlistedFile_IsLeftAsItIs()
    {
        var script = new TextMigrationScript("V7__other.sql", Rewritten);

        Assert.Same(script, OneFile().Wrap(script));
    }

    [Theory]
    [InlineData("V6__marts.sql DE9F56EB7CE0A8464869AFA7CC010C16", "line 2")]
    [InlineData("V6__marts.sql de9f56eb7ce0a8464869afa7cc010c16 1DFB7AB51000D6589C4B472CD1560418", "line 2")]
    [InlineData("V6__marts.sql DE9F56EB7CE0A8464869AFA7CC010C16 1DFB7AB51000D6589C4B472CD1560418\nV6__marts.sql DE9F56EB7CE0A8464869AFA7CC010C16 1DFB7AB51000D6589C4B472CD1560418", "V6__marts.sql is listed twice")]
    public void Parse_BadManifest_FailsNamingTheLine(string lines, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RewrittenMigrations.Parse("# header\n" + lines));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void EveryListedFile_HoldsTheRewrittenText_AndItsReleasedTextIsTheFixture()
    {
        Assert.NotEmpty(Manifest.Files);
        foreach (var file in Manifest.Files)
        {
            Assert.True(ReleasedWarehouse.Files.TryGetValue(file.Name, out var released), $"{file.Name} is not among the released files of the fixture");
            Assert.True(Checksum(file.Name, released) == file.ReleasedChecksum,
                $"rewritten.txt records {file.ReleasedChecksum} as {file.Name}'s released checksum; the released text has {Checksum(file.Name, released)}");
            var current = EmbeddedMigration(file.Name);
            Assert.True(Checksum(file.Name, current) == file.RewrittenChecksum,
                $"sql/migrations/{file.Name} is not the rewritten text sql/migrations/rewritten.txt records ({file.RewrittenChecksum}; the file has " +
                $"{Checksum(file.Name, current)}): warehouses would refuse this build as an edit. Restore the file; a change goes into a new migration.");
        }
    }

    [Fact]
    public void EveryReleasedFileThatChanged_IsListed()
    {
        var listed = Manifest.Files.Select(f => f.Name).ToHashSet();
        foreach (var (name, released) in ReleasedWarehouse.Files)
        {
            var changed = EmbeddedMigration(name) != released;
            Assert.True(changed == listed.Contains(name),
                changed ? $"sql/migrations/{name} differs from its released text but rewritten.txt does not list it"
                        : $"rewritten.txt lists {name}, whose text is still the released one");
        }
    }

    [GeneratedRegex(@"^\s*(CREATE\s+(OR\s+REPLACE\s+)?(VIEW|FUNCTION|PROCEDURE)|ALTER\s+(VIEW|FUNCTION)|COMMENT\s+ON\s+(VIEW|FUNCTION)|GRANT\s.*\sON\s+FUNCTION)\b",
        RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex LayerStatement();

    [Fact]
    public void NoVersionedMigration_DefinesAViewOrFunction()
    {
        var assembly = typeof(WarehouseMigrator).Assembly;
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith(WarehouseMigrator.ResourcePrefix, StringComparison.Ordinal)).ToList();
        Assert.True(names.Count >= 20, $"found only {names.Count} versioned migrations");
        foreach (var name in names)
        {
            var match = LayerStatement().Match(EmbeddedMigration(name[WarehouseMigrator.ResourcePrefix.Length..]));
            Assert.False(match.Success, $"{name} defines a view or function ('{match.Value.Trim()}'): it belongs in the SQL layer (sql/layers.txt)");
        }
    }

    private static string EmbeddedMigration(string name)
    {
        using var stream = typeof(WarehouseMigrator).Assembly.GetManifestResourceStream(WarehouseMigrator.ResourcePrefix + name)
            ?? throw new InvalidOperationException($"{name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
