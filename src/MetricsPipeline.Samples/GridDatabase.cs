using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MetricsPipeline.Samples;

/// <summary>
/// The grid app's SQLite file: check-ins with naive local text times, forms with ISO-8601 offset times.
/// Rebuilt from scratch each run, in one transaction with prepared inserts.
/// </summary>
public sealed class GridDatabase(SampleSettings settings)
{
    private const string Schema = """
        CREATE TABLE checkins (
            id          INTEGER PRIMARY KEY,
            unit_code   TEXT NULL,
            kind        TEXT NOT NULL,      -- 定位打卡 (check-in), 拍照上传 (photo upload)
            checked_at  TEXT NOT NULL       -- naive Beijing wall time 'yyyy-MM-dd HH:mm:ss'
        );
        CREATE TABLE forms (
            id            INTEGER PRIMARY KEY,
            unit_code     TEXT NULL,
            form_code     TEXT NOT NULL,    -- F1 monthly report, F2 ad-hoc form
            submitted_at  TEXT NOT NULL,    -- ISO-8601 with offset, e.g. 2025-03-31T17:02:11+08:00
            fields        INTEGER NOT NULL
        );
        """;

    private const string Indexes = """
        CREATE INDEX checkins_checked_at_idx ON checkins (checked_at);
        CREATE INDEX forms_submitted_at_idx ON forms (submitted_at);
        ANALYZE;
        """;

    /// <summary>Connection string the demo configuration gives the pipeline: read-only.</summary>
    public string ReaderConnectionString() =>
        new SqliteConnectionStringBuilder { DataSource = settings.GridDbPath, Mode = SqliteOpenMode.ReadOnly }.ToString();

    public void Create(IEnumerable<CheckinRow> checkins, IEnumerable<FormRow> forms)
    {
        foreach (var suffix in new[] { "", "-journal", "-wal", "-shm" })
            File.Delete(settings.GridDbPath + suffix);

        // No pooling: the file must be closed when the generator exits.
        var builder = new SqliteConnectionStringBuilder { DataSource = settings.GridDbPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        Execute(connection, null, "PRAGMA synchronous = OFF;");  // a rebuildable demo file; a crash just means rerun

        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, Schema);
        InsertCheckins(connection, transaction, checkins);
        InsertForms(connection, transaction, forms);
        Execute(connection, transaction, Indexes);
        transaction.Commit();
    }

    private static void InsertCheckins(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<CheckinRow> rows)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO checkins (unit_code, kind, checked_at) VALUES ($unit, $kind, $at)";
        var unit = insert.Parameters.Add("$unit", SqliteType.Text);
        var kind = insert.Parameters.Add("$kind", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Text);
        insert.Prepare();
        foreach (var r in rows)
        {
            unit.Value = (object?)r.UnitCode ?? DBNull.Value;
            kind.Value = r.Kind;
            at.Value = r.CheckedAtLocal.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            insert.ExecuteNonQuery();
        }
    }

    private static void InsertForms(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<FormRow> rows)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO forms (unit_code, form_code, submitted_at, fields) VALUES ($unit, $code, $at, $fields)";
        var unit = insert.Parameters.Add("$unit", SqliteType.Text);
        var code = insert.Parameters.Add("$code", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Text);
        var fields = insert.Parameters.Add("$fields", SqliteType.Integer);
        insert.Prepare();
        foreach (var r in rows)
        {
            unit.Value = (object?)r.UnitCode ?? DBNull.Value;
            code.Value = r.FormCode;
            at.Value = r.SubmittedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            fields.Value = r.Fields;
            insert.ExecuteNonQuery();
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
