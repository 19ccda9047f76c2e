using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MetricsPipeline.Samples;
using MetricsPipeline.Tests.Infrastructure;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Ops;

/// <summary>
/// The demo's generator against a server it did not start (the test server, as with METRICS_WAREHOUSE): the read-only
/// login it creates has a random password made for that run, stored only in appsettings.demo.json (mode 600), and
/// a role of that name that the demo did not create is left as it was.
/// </summary>
[Collection(DemoReaderRoleCollection.Name)]
public sealed class DemoReaderRoleTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"mp-demo-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }

    private SampleSettings Settings() =>
        new(_out, TestPostgres.AdminConnectionString, Seed: 7, From: new DateOnly(2024, 1, 1), To: new DateOnly(2024, 1, 5));

    [Fact]
    public async Task Generate_OnAServerItDidNotStart_CreatesTheReaderWithAFreshRandomPassword()
    {
        await DropReaderAsync();
        Assert.Equal(0, await SampleRun.ExecuteAsync(Settings(), CancellationToken.None));
        var first = ReaderPassword();
        var verifier = await AdminScalarAsync<string>($"SELECT rolpassword FROM pg_authid WHERE rolname = '{SampleSettings.ReaderRole}'");

        Assert.True(ScramMatches(verifier, first), "the login's password is the one written to appsettings.demo.json");
        Assert.Matches("^[0-9a-f]{48}$", first);
        Assert.False(OperatingSystem.IsWindows(), "the test runs where the demo runs: Linux");
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_out, "appsettings.demo.json")));
        Assert.False(await AdminScalarAsync<bool>($"SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = '{SampleSettings.ReaderRole}'"));

        Assert.Equal(0, await SampleRun.ExecuteAsync(Settings(), CancellationToken.None));
        var second = ReaderPassword();
        Assert.NotEqual(first, second);
        Assert.True(ScramMatches(await AdminScalarAsync<string>($"SELECT rolpassword FROM pg_authid WHERE rolname = '{SampleSettings.ReaderRole}'"), second));
    }

    [Fact]
    public async Task Generate_RoleOfThatNameNotCreatedByTheDemo_IsLeftAloneAndTheDemoStops()
    {
        await DropReaderAsync();
        await AdminExecuteAsync($"CREATE ROLE {SampleSettings.ReaderRole} LOGIN PASSWORD 'someone-elses'");
        var before = await AdminScalarAsync<string>($"SELECT rolpassword FROM pg_authid WHERE rolname = '{SampleSettings.ReaderRole}'");

        var error = await Assert.ThrowsAsync<PostgresException>(() => SampleRun.ExecuteAsync(Settings(), CancellationToken.None));

        Assert.Contains("was not created by the MetricsPipeline demo", error.MessageText);
        Assert.Equal(before, await AdminScalarAsync<string>($"SELECT rolpassword FROM pg_authid WHERE rolname = '{SampleSettings.ReaderRole}'"));
        await DropReaderAsync();
    }

    private string ReaderPassword()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "appsettings.demo.json")));
        var connection = json.RootElement.GetProperty("Pipeline").GetProperty("Sources")[0].GetProperty("ConnectionString").GetString();
        return new NpgsqlConnectionStringBuilder(connection).Password!;
    }

    /// <summary>Checks a password against PostgreSQL's SCRAM-SHA-256 verifier (RFC 7677): iterations:salt$StoredKey:ServerKey.</summary>
    private static bool ScramMatches(string verifier, string password)
    {
        var parts = verifier.Split('$');
        Assert.Equal("SCRAM-SHA-256", parts[0]);
        var iterations = int.Parse(parts[1].Split(':')[0]);
        var salt = Convert.FromBase64String(parts[1].Split(':')[1]);
        var storedKey = Convert.FromBase64String(parts[2].Split(':')[0]);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, Encoding.ASCII.GetBytes("Client Key"));
        return SHA256.HashData(clientKey).AsSpan().SequenceEqual(storedKey);
    }

    private static async Task DropReaderAsync()
    {
        await AdminExecuteAsync($"""
            DROP DATABASE IF EXISTS {SampleSettings.OaDatabase} WITH (FORCE);
            DROP ROLE IF EXISTS {SampleSettings.ReaderRole};
            """);
    }

    private static async Task AdminExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> AdminScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>The demo's database and role are cluster-wide names: its tests run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DemoReaderRoleCollection
{
    public const string Name = "demo reader role";
}
