using System.Net.Sockets;
using MetricsPipeline.Pipeline;
using MetricsPipeline.Pipeline.Resilience;
using Microsoft.Data.Sqlite;
using Npgsql;
using Polly.Timeout;

namespace MetricsPipeline.Tests.Unit.Pipeline;

/// <summary>What is retried. The integration tests see the same exceptions come from real servers.</summary>
public sealed class TransientErrorsTests
{
    public static TheoryData<string, Exception> Transient => new()
    {
        { "connection refused, wrapped by Npgsql", new NpgsqlException("Failed to connect to 127.0.0.1:1", new SocketException((int)SocketError.ConnectionRefused)) },
        { "connection reset mid-read", new NpgsqlException("Exception while reading from stream", new IOException("Unable to read data from the transport connection", new SocketException((int)SocketError.ConnectionReset))) },
        { "stream ended", new NpgsqlException("Exception while reading from stream", new EndOfStreamException("Attempted to read past the end of the stream.")) },
        { "server shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01") },
        { "server starting up", new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03") },
        { "too many connections", new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300") },
        { "serialization failure", new PostgresException("could not serialize access", "ERROR", "ERROR", "40001") },
        { "attempt timeout", new TimeoutRejectedException("The operation didn't complete within the allowed timeout of '00:00:01'.") },
        { "sqlite busy", new SqliteException("database is locked", 5) },
    };

    public static TheoryData<string, Exception> Permanent => new()
    {
        { "missing table", new PostgresException("relation \"oa.documents\" does not exist", "ERROR", "ERROR", "42P01") },
        { "syntax error", new PostgresException("syntax error at or near \"FORM\"", "ERROR", "ERROR", "42601") },
        { "wrong password", new PostgresException("password authentication failed for user \"reader\"", "FATAL", "FATAL", "28P01") },
        { "missing database", new PostgresException("database \"dept\" does not exist", "FATAL", "FATAL", "3D000") },
        { "reconciliation", new ReconciliationException("reconciliation failed: 3 rows in facts + 0 quarantined = 3, but the source holds 4 rows") },
        { "sqlite missing table", new SqliteException("SQLite Error 1: 'no such table: checkins'.", 1) },
        { "sqlite file missing", new FileNotFoundException("SQLite file '/x.db' does not exist") },
        { "bad connection string", new ArgumentException("Couldn't set bogus key") },
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public void IsTransient_ConnectionLossTimeoutsAndTransientServerStates_AreRetried(string _, Exception exception) =>
        Assert.True(TransientErrors.IsTransient(exception));

    [Theory]
    [MemberData(nameof(Permanent))]
    public void IsTransient_SchemaSyntaxAuthAndReconciliationErrors_FailAtOnce(string _, Exception exception) =>
        Assert.False(TransientErrors.IsTransient(exception));
}
