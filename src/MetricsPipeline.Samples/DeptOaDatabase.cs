using Npgsql;
using NpgsqlTypes;

namespace MetricsPipeline.Samples;

/// <summary>
/// The county OA system's database, dept_oa: dropped and recreated on every run, loaded with binary COPY,
/// indexed after the load (cheaper than maintaining the index row by row), and opened to a read-only role.
/// </summary>
public sealed class DeptOaDatabase(SampleSettings settings)
{
    private const string Schema = """
        CREATE SCHEMA oa;
        COMMENT ON SCHEMA oa IS 'Demo OA system of a county: documents sent down and meetings called.';
        CREATE TABLE oa.documents (
            id         bigserial   PRIMARY KEY,
            unit_code  text        NULL,
            doc_kind   text        NOT NULL,
            issued_at  timestamptz NOT NULL,
            pages      integer     NULL,
            deleted    boolean     NOT NULL DEFAULT false
        );
        COMMENT ON COLUMN oa.documents.doc_kind IS '红头文件 formal (red-header), 白头通知 informal (white-header); 会议纪要 appears from 2025-10 and is unmapped on purpose.';
        CREATE TABLE oa.meetings (
            id          bigserial PRIMARY KEY,
            unit_code   text      NULL,
            mode        text      NOT NULL,
            started_at  timestamp without time zone NOT NULL,
            minutes     integer   NOT NULL,
            attendees   integer   NOT NULL
        );
        COMMENT ON COLUMN oa.meetings.started_at IS 'Beijing local wall time, no zone: the OA system stores it that way.';
        """;

    // After the load. The grants are scoped to this database; the role itself is cluster-wide.
    private static readonly string Finish = $"""
        CREATE INDEX documents_issued_at_idx ON oa.documents (issued_at);
        CREATE INDEX meetings_started_at_idx ON oa.meetings (started_at);
        ANALYZE oa.documents;
        ANALYZE oa.meetings;
        REVOKE ALL ON DATABASE {SampleSettings.OaDatabase} FROM PUBLIC;
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
        GRANT CONNECT ON DATABASE {SampleSettings.OaDatabase} TO {SampleSettings.ReaderRole};
        GRANT USAGE ON SCHEMA oa TO {SampleSettings.ReaderRole};
        GRANT SELECT ON ALL TABLES IN SCHEMA oa TO {SampleSettings.ReaderRole};
        ALTER ROLE {SampleSettings.ReaderRole} IN DATABASE {SampleSettings.OaDatabase} SET default_transaction_read_only = on;
        """;

    /// <summary>Connection string the demo configuration gives the pipeline: same server, reader account.</summary>
    private const string RoleMarker = "created by the MetricsPipeline demo (src/MetricsPipeline.Samples); random password in its appsettings.demo.json";

    public string ReaderConnectionString(bool maskPassword = false)
    {
        var admin = new NpgsqlConnectionStringBuilder(settings.Postgres);
        return new NpgsqlConnectionStringBuilder
        {
            Host = admin.Host,
            Port = admin.Port,
            Database = SampleSettings.OaDatabase,
            Username = SampleSettings.ReaderRole,
            Password = maskPassword ? "***" : settings.ReaderPassword,
        }.ConnectionString;
    }

    public async Task CreateAsync(IEnumerable<DocumentRow> documents, IEnumerable<MeetingRow> meetings, CancellationToken ct)
    {
        await RecreateDatabaseAndRoleAsync(ct);

        var builder = new NpgsqlConnectionStringBuilder(settings.Postgres) { Database = SampleSettings.OaDatabase, Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, Schema, ct);
        await CopyDocumentsAsync(connection, documents, ct);
        await CopyMeetingsAsync(connection, meetings, ct);
        await ExecuteAsync(connection, Finish, ct);
    }

    private async Task RecreateDatabaseAndRoleAsync(CancellationToken ct)
    {
        // Any database but dept_oa will do for the maintenance connection; "postgres" when none was given.
        var builder = new NpgsqlConnectionStringBuilder(settings.Postgres) { Pooling = false };
        if (string.IsNullOrEmpty(builder.Database) || builder.Database == SampleSettings.OaDatabase)
            builder.Database = "postgres";
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);

        // WITH (FORCE) ends sessions still connected from an earlier demo, e.g. a worker left running.
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {SampleSettings.OaDatabase} WITH (FORCE)", ct);
        await ExecuteAsync(connection, $"CREATE DATABASE {SampleSettings.OaDatabase}", ct);
        // A role of that name that an earlier demo did not create (no marker comment) belongs to someone else:
        // changing its password would lock them out, and keeping it would grant it dept_oa. The demo stops instead.
        await ExecuteAsync(connection, $"""
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{SampleSettings.ReaderRole}') THEN
                    CREATE ROLE {SampleSettings.ReaderRole};
                    COMMENT ON ROLE {SampleSettings.ReaderRole} IS '{RoleMarker}';
                ELSIF shobj_description((SELECT oid FROM pg_roles WHERE rolname = '{SampleSettings.ReaderRole}'), 'pg_authid') IS DISTINCT FROM '{RoleMarker}' THEN
                    RAISE EXCEPTION 'role {SampleSettings.ReaderRole} exists on this server and was not created by the MetricsPipeline demo; the demo leaves it alone. Drop or rename it, or run the demo without METRICS_WAREHOUSE (on its own throwaway server)';
                END IF;
            END $$;
            ALTER ROLE {SampleSettings.ReaderRole} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '{settings.ReaderPassword}';
            """, ct);
    }

    private static async Task CopyDocumentsAsync(NpgsqlConnection connection, IEnumerable<DocumentRow> rows, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY oa.documents (unit_code, doc_kind, issued_at, pages, deleted) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var r in rows)
        {
            await copy.StartRowAsync(ct);
            await WriteTextAsync(copy, r.UnitCode, ct);
            await copy.WriteAsync(r.DocKind, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(r.IssuedAtUtc, NpgsqlDbType.TimestampTz, ct);
            if (r.Pages is { } pages) await copy.WriteAsync(pages, NpgsqlDbType.Integer, ct);
            else await copy.WriteNullAsync(ct);
            await copy.WriteAsync(r.Deleted, NpgsqlDbType.Boolean, ct);
        }
        await copy.CompleteAsync(ct);
    }

    private static async Task CopyMeetingsAsync(NpgsqlConnection connection, IEnumerable<MeetingRow> rows, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY oa.meetings (unit_code, mode, started_at, minutes, attendees) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var r in rows)
        {
            await copy.StartRowAsync(ct);
            await WriteTextAsync(copy, r.UnitCode, ct);
            await copy.WriteAsync(r.Mode, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(r.StartedAtLocal, NpgsqlDbType.Timestamp, ct);
            await copy.WriteAsync(r.Minutes, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(r.Attendees, NpgsqlDbType.Integer, ct);
        }
        await copy.CompleteAsync(ct);
    }

    private static async Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct)
    {
        if (value is null) await copy.WriteNullAsync(ct);
        else await copy.WriteAsync(value, NpgsqlDbType.Text, ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
