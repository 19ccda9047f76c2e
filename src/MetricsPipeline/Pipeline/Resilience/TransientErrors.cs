using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace MetricsPipeline.Pipeline.Resilience;

/// <summary>
/// Which failures of a window attempt are worth another attempt: the source or the warehouse could not be
/// reached or dropped the connection, the driver says the error is transient (Npgsql, SQLite, MySqlConnector
/// all report it through <see cref="DbException.IsTransient"/>), or one attempt ran out of time. Everything
/// else fails at once: syntax errors, missing tables or columns, authentication, a failed reconciliation,
/// bad configuration. Retrying those only delays the message the operator needs.
/// </summary>
public static class TransientErrors
{
    private const int SQLiteBusy = 5;
    private const int SQLiteLocked = 6;

    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case BrokenCircuitException:
                    return false; // the breaker is open: waiting is its job, not the retry's
                case TimeoutRejectedException:
                case SocketException:
                case TimeoutException:
                case EndOfStreamException: // the peer closed the connection mid-message
                    return true;
                case SqliteException { SqliteErrorCode: SQLiteBusy or SQLiteLocked }:
                    return true; // a writer holds the file; Microsoft.Data.Sqlite does not call this transient itself
                case DbException db:
                    // A server error with a SQLSTATE is decided by the driver: 08xxx, 53xxx, 57P0x, 40001 are transient;
                    // 42P01 (undefined table), 42601 (syntax), 28P01 (password) are not.
                    if (db.IsTransient)
                        return true;
                    if (db.SqlState is { Length: > 0 })
                        return false; // a server error the driver does not call transient
                    break; // a driver wrapper: look at its cause (an IOException over a reset socket ...)
                case ReconciliationException:
                    return false;
            }
        }
        return false;
    }
}
