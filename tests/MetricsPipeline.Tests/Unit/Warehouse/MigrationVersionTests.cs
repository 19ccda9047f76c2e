using MetricsPipeline.Warehouse;

namespace MetricsPipeline.Tests.Unit.Warehouse;

public sealed class MigrationVersionTests
{
    [Theory]
    [InlineData("V31__roles.sql", "V31")]
    [InlineData("MetricsPipeline.Migrations.V7__facts.sql", "V7")]
    [InlineData("MetricsPipeline.Migrations.core.V1_2__x.sql", "V1.2")]
    [InlineData("sql/migrations/V10__ten.sql", "V10")]
    public void FromFileName_VersionedMigration_ReadsItsVersion(string name, string expected) =>
        Assert.Equal(expected, MigrationVersion.FromFileName(name)!.ToString());

    [Theory]
    [InlineData("R__views.sql")]
    [InlineData("MetricsPipeline.Migrations.R__views.sql")]
    [InlineData("README.md")]
    [InlineData("V31_roles.sql")]
    public void FromFileName_RepeatableOrOther_HasNoVersion(string name) => Assert.Null(MigrationVersion.FromFileName(name));

    [Fact]
    public void Compare_OrdersAsNumbersNotText()
    {
        Assert.True(MigrationVersion.Parse("10")! > MigrationVersion.Parse("9")!);
        Assert.True(MigrationVersion.Parse("1.10")! > MigrationVersion.Parse("1.9")!);
        Assert.Equal(MigrationVersion.Parse("2.0"), MigrationVersion.Parse("2"));
        Assert.Equal("V32", new[] { "3", "32", "31" }.Select(MigrationVersion.Parse).Max()!.ToString());
    }

    [Fact]
    public void BuildVersion_IsTheHighestEmbeddedVersionedMigration()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot(), "sql", "migrations"), "V*__*.sql", SearchOption.AllDirectories);
        var highest = files.Select(f => MigrationVersion.FromFileName(Path.GetFileName(f))).OfType<MigrationVersion>().Max();
        Assert.Equal(highest, SchemaCompatibility.BuildVersion);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MetricsPipeline.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("repository root not found");
    }
}
